# The first two targets are the README's first two commands.
GO ?= go
BIN := bin/gromox

.PHONY: run test build vet fuzz bench clean

# Build and start the whole server on the embedded default: SQLite user
# directory and all data under ./var, loopback ports.
run: build
	./$(BIN) serve

# The whole test suite. MariaDB tests run when GROMOX_TEST_MYSQL_DSN is set
# (.ci/run starts MariaDB and sets it).
test:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

build:
	$(GO) build -o $(BIN) ./cmd/gromox
	for t in dbop mkprivate mkpublic mbop mbck; do ln -sf gromox bin/gromox-$$t; done

# Each fuzz target for FUZZTIME (default 30s); .ci/fuzz-one.sh runs one
# (and once more after Go 1.26's spurious "context deadline exceeded").
FUZZTIME ?= 30s
FUZZ_TARGETS = config:FuzzParseCfg config:FuzzParseIni config:FuzzParseDuration config:FuzzParseSize \
	mapi:FuzzReadPropVals mapi:FuzzReadRestriction mapi:FuzzDecodeMV mapi:FuzzParseStoreName \
	mapi:FuzzReadRowsAndNames mapi:FuzzDecodeIDSet mapi:FuzzDecodePCL mapi:FuzzDecodeEntryID \
	mailbox:FuzzDecodeBlobValue mailbox:FuzzFolderLang mailbox:FuzzHeaderField mailbox:FuzzJournalRecord mailbox:FuzzPendingPath mapi/oxcmail:FuzzImport mapi/oxcmail:FuzzDecodeBase64 mapi/oxcmail:FuzzExportRoundTrip protocols/pop3:FuzzCommandLine protocols/lmtp:FuzzUnstuff \
	protocols/imap:FuzzCommands protocols/imap:FuzzIDConn protocols/imap/imapmsg:FuzzParse protocols/autodiscover:FuzzParseRequest \
	protocols/mapihttp/wire:FuzzDecompress protocols/mapihttp/wire:FuzzCompressRoundTrip \
	protocols/mapihttp/wire:FuzzParseExtended protocols/mapihttp/wire:FuzzParseRopBuffer \
	protocols/mapihttp/wire:FuzzMailboxBodies protocols/mapihttp/wire:FuzzAddressBookBodies \
	protocols/mapihttp/wire:FuzzReadResponseStream protocols/mapihttp/rops:FuzzParseRequests \
	protocols/mapihttp/rops:FuzzParseResponse protocols/mapihttp:FuzzExecute protocols/nspi:FuzzRequest protocols/nspi:FuzzTemplatePak \
	mapi/tnef:FuzzDecode mapi/rtf:FuzzDecompress mapi/rtf:FuzzRTF mapi/rtf:FuzzToHTML \
	tests/imapbench:FuzzLeanFetch
fuzz:
	for t in $(FUZZ_TARGETS); do \
		GO=$(GO) bash .ci/fuzz-one.sh $${t%%:*} $${t##*:} $(FUZZTIME) || exit 1; \
	done

bench:
	$(GO) test ./actors ./directory ./mailbox -run '^$$' -bench . -benchtime 2s

clean:
	rm -rf bin
