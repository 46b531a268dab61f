#!/usr/bin/env python3
"""APPENDs DIR's messages (1.eml, 2.eml, ... in that order) to the INBOX
of an IMAP account: fill_inbox.py HOST:PORT USER PASSWORD DIR."""
import glob
import imaplib
import os
import sys

addr, user, password, folder = sys.argv[1:5]
host, port = addr.rsplit(":", 1)
m = imaplib.IMAP4(host, int(port))
m.login(user, password)
for p in sorted(glob.glob(folder + "/*.eml"), key=lambda p: int(os.path.basename(p).split(".")[0])):
    typ, data = m.append("INBOX", None, None, open(p, "rb").read())
    assert typ == "OK", (p, typ, data)
m.logout()
