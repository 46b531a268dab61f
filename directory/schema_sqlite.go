package directory

// The SQLite tables of user database schema 133: the same tables, columns
// (in the same order, so rows of a MySQL dump insert unchanged), keys and
// foreign keys as the MySQL schema. Type mapping: integers are INTEGER,
// AUTO_INCREMENT keys are INTEGER PRIMARY KEY AUTOINCREMENT (ids are never
// reused, as with InnoDB), varchar/text are TEXT, varbinary is BLOB, date and
// timestamp are TEXT, enum is TEXT with a CHECK. Every column MySQL declares
// ascii_general_ci is COLLATE NOCASE, and so is altnames.altname (a login
// name; utf8mb4_general_ci there), so lookups and unique keys are
// case-insensitive on both backends. SQLite index names are global, so
// MySQL's KEY `x` on table t becomes index `t_x`.
var sqliteTables = []schemaTable{
	{"admin_roles", `CREATE TABLE admin_roles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT DEFAULT NULL,
  UNIQUE (name)
)`},
	{"associations", `CREATE TABLE associations (
  list_id INTEGER NOT NULL,
  username TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (list_id, username)
);
CREATE INDEX associations_username ON associations (username)`},
	{"configs", "CREATE TABLE configs (\n" +
		"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" +
		"  service TEXT NOT NULL,\n" +
		"  file TEXT NOT NULL,\n" +
		"  `key` TEXT NOT NULL,\n" +
		"  value TEXT NOT NULL DEFAULT '',\n" +
		"  UNIQUE (service, file, `key`)\n" +
		");\n" +
		"CREATE INDEX configs_service ON configs (service);\n" +
		"CREATE INDEX configs_file ON configs (file)"},
	{"domains", `CREATE TABLE domains (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id INTEGER NOT NULL DEFAULT 0,
  domainname TEXT NOT NULL COLLATE NOCASE,
  homeserver INTEGER NOT NULL DEFAULT 0,
  homedir TEXT NOT NULL DEFAULT '',
  max_user INTEGER NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  address TEXT NOT NULL DEFAULT '',
  admin_name TEXT NOT NULL DEFAULT '',
  tel TEXT NOT NULL DEFAULT '',
  end_day TEXT NOT NULL,
  domain_status INTEGER NOT NULL DEFAULT 0,
  sync_policy TEXT DEFAULT NULL COLLATE NOCASE,
  chat_id TEXT DEFAULT NULL,
  UNIQUE (domainname)
);
CREATE INDEX domains_homedir ON domains (homedir);
CREATE INDEX domains_org_id ON domains (org_id)`},
	{"forwards", `CREATE TABLE forwards (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL COLLATE NOCASE,
  forward_type INTEGER NOT NULL DEFAULT 0,
  destination TEXT NOT NULL COLLATE NOCASE,
  UNIQUE (username)
)`},
	{"groups", "CREATE TABLE `groups` (\n" +
		"  id INTEGER PRIMARY KEY AUTOINCREMENT,\n" +
		"  groupname TEXT NOT NULL COLLATE NOCASE,\n" +
		"  password TEXT NOT NULL DEFAULT '' COLLATE NOCASE,\n" +
		"  domain_id INTEGER NOT NULL,\n" +
		"  title TEXT NOT NULL,\n" +
		"  UNIQUE (groupname)\n" +
		");\n" +
		"CREATE INDEX groups_domain_id ON `groups` (domain_id)"},
	{"options", "CREATE TABLE options (\n" +
		"  `key` TEXT NOT NULL COLLATE NOCASE,\n" +
		"  value TEXT DEFAULT NULL,\n" +
		"  PRIMARY KEY (`key`)\n" +
		")"},
	{"orgs", `CREATE TABLE orgs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  description TEXT DEFAULT NULL
)`},
	{"specifieds", `CREATE TABLE specifieds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL COLLATE NOCASE,
  list_id INTEGER NOT NULL
);
CREATE INDEX specifieds_list_id ON specifieds (list_id)`},
	{"users", `CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL COLLATE NOCASE,
  primary_email TEXT DEFAULT NULL COLLATE NOCASE,
  altname TEXT DEFAULT NULL COLLATE NOCASE,
  password TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
  domain_id INTEGER NOT NULL,
  group_id INTEGER NOT NULL,
  homeserver INTEGER NOT NULL DEFAULT 0,
  maildir TEXT NOT NULL DEFAULT '',
  lang TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  privilege_bits INTEGER NOT NULL,
  address_status INTEGER NOT NULL DEFAULT 0,
  externid BLOB DEFAULT NULL,
  sync_policy TEXT DEFAULT NULL COLLATE NOCASE,
  chat_id TEXT DEFAULT NULL,
  UNIQUE (username),
  UNIQUE (domain_id, username),
  UNIQUE (group_id, username),
  UNIQUE (altname)
);
CREATE INDEX users_group_id ON users (group_id);
CREATE INDEX users_domain_id ON users (domain_id);
CREATE INDEX users_maildir ON users (maildir)`},
	{"aliases", `CREATE TABLE aliases (
  aliasname TEXT NOT NULL COLLATE NOCASE,
  mainname TEXT NOT NULL COLLATE NOCASE,
  PRIMARY KEY (aliasname),
  FOREIGN KEY (mainname) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX aliases_mainname ON aliases (mainname)`},
	{"mlists", `CREATE TABLE mlists (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  listname TEXT NOT NULL COLLATE NOCASE,
  domain_id INTEGER NOT NULL,
  list_type INTEGER NOT NULL,
  list_privilege INTEGER NOT NULL DEFAULT 0,
  UNIQUE (listname),
  FOREIGN KEY (listname) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX mlists_domain_id ON mlists (domain_id)`},
	{"user_properties", `CREATE TABLE user_properties (
  user_id INTEGER NOT NULL,
  proptag INTEGER NOT NULL,
  order_id INTEGER NOT NULL DEFAULT 1,
  propval_bin BLOB DEFAULT NULL,
  propval_str TEXT DEFAULT NULL,
  PRIMARY KEY (user_id, proptag, order_id),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE
)`},
	{"admin_role_permission_relation", `CREATE TABLE admin_role_permission_relation (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  role_id INTEGER NOT NULL,
  permission TEXT NOT NULL,
  parameters TEXT DEFAULT NULL,
  FOREIGN KEY (role_id) REFERENCES admin_roles (id)
);
CREATE INDEX admin_role_permission_relation_role_id ON admin_role_permission_relation (role_id)`},
	{"admin_user_role_relation", `CREATE TABLE admin_user_role_relation (
  user_id INTEGER NOT NULL,
  role_id INTEGER NOT NULL,
  PRIMARY KEY (user_id, role_id),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  FOREIGN KEY (role_id) REFERENCES admin_roles (id)
);
CREATE INDEX admin_user_role_relation_role_id ON admin_user_role_relation (role_id)`},
	{"classes", `CREATE TABLE classes (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  classname TEXT NOT NULL,
  listname TEXT NOT NULL COLLATE NOCASE,
  filters TEXT DEFAULT NULL,
  domain_id INTEGER NOT NULL,
  FOREIGN KEY (domain_id) REFERENCES domains (id),
  FOREIGN KEY (listname) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX classes_listname ON classes (listname);
CREATE INDEX classes_domain_id ON classes (domain_id)`},
	{"fetchmail", `CREATE TABLE fetchmail (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  mailbox TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  src_server TEXT NOT NULL,
  src_auth TEXT NOT NULL DEFAULT 'password' CHECK (src_auth IN (` + fetchmailAuthEnum + `)),
  src_user TEXT NOT NULL,
  src_password TEXT NOT NULL,
  src_folder TEXT NOT NULL,
  fetchall INTEGER NOT NULL DEFAULT 0,
  keep INTEGER NOT NULL DEFAULT 1,
  protocol TEXT NOT NULL DEFAULT 'IMAP' CHECK (protocol IN (` + fetchmailProtoEnum + `)),
  usessl INTEGER NOT NULL DEFAULT 1,
  sslcertck INTEGER NOT NULL DEFAULT 0,
  sslcertpath TEXT DEFAULT NULL,
  sslfingerprint TEXT DEFAULT NULL,
  extra_options TEXT DEFAULT NULL,
  date TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX fetchmail_user_id ON fetchmail (user_id)`},
	{"secondary_store_hints", "CREATE TABLE secondary_store_hints (\n" +
		"  `primary` INTEGER NOT NULL,\n" +
		"  secondary INTEGER NOT NULL,\n" +
		"  PRIMARY KEY (`primary`, secondary),\n" +
		"  FOREIGN KEY (`primary`) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,\n" +
		"  FOREIGN KEY (secondary) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		");\n" +
		"CREATE INDEX secondary_store_hints_secondary ON secondary_store_hints (secondary)"},
	{"user_devices", `CREATE TABLE user_devices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  device_id TEXT NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  UNIQUE (user_id, device_id),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE
)`},
	{"user_device_history", `CREATE TABLE user_device_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_device_id INTEGER NOT NULL,
  time TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  remote_ip TEXT NOT NULL,
  status INTEGER NOT NULL,
  FOREIGN KEY (user_device_id) REFERENCES user_devices (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX user_device_history_user_device_id ON user_device_history (user_device_id)`},
	{"tasq", `CREATE TABLE tasq (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  command TEXT NOT NULL,
  state INTEGER NOT NULL DEFAULT 0,
  created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  message TEXT NOT NULL DEFAULT '',
  access TEXT DEFAULT NULL,
  params TEXT DEFAULT NULL
);
CREATE INDEX tasq_state ON tasq (state);
CREATE INDEX tasq_updated ON tasq (updated)`},
	{"servers", `CREATE TABLE servers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  hostname TEXT NOT NULL COLLATE NOCASE,
  extname TEXT NOT NULL COLLATE NOCASE,
  UNIQUE (hostname)
)`},
	{"orgparam", "CREATE TABLE orgparam (\n" +
		"  org_id INTEGER NOT NULL,\n" +
		"  `key` TEXT NOT NULL COLLATE NOCASE,\n" +
		"  value TEXT DEFAULT NULL,\n" +
		"  PRIMARY KEY (org_id, `key`),\n" +
		"  FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		")"},
	{"altnames", `CREATE TABLE altnames (
  user_id INTEGER NOT NULL,
  altname TEXT NOT NULL COLLATE NOCASE,
  magic INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, altname),
  UNIQUE (altname),
  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE
)`},
	{"disabled_plugins", `CREATE TABLE disabled_plugins (
  domain_id INTEGER NOT NULL,
  plugin TEXT NOT NULL,
  PRIMARY KEY (domain_id, plugin),
  FOREIGN KEY (domain_id) REFERENCES domains (id) ON DELETE CASCADE ON UPDATE CASCADE
)`},
}

// sqliteUpgrades are the steps that bring an SQLite directory of ours from
// an older schema version to the current one. The first SQLite schema we
// wrote is 133, so there are none yet; a later upstream version adds its
// step here and in mysqlUpgrades.
var sqliteUpgrades []upgradeStep
