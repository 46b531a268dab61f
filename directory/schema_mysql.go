package directory

// The MySQL/MariaDB tables of user database schema 133, in an order that
// satisfies every foreign key. Each statement is written in the form MariaDB
// itself prints with SHOW CREATE TABLE (explicit engine, character sets and
// collations), so that a database we create is indistinguishable from one
// upstream's `gromox-dbop -C` created: the dump of a real upstream 3.10
// database (testdata and TestCreateSchemaMatchesUpstream) is the reference.
var mysqlTables = []schemaTable{
	{"admin_roles", "CREATE TABLE `admin_roles` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `name` varchar(32) NOT NULL,\n" +
		"  `description` varchar(256) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `name` (`name`)\n" +
		") " + mysqlTableOptions},
	{"associations", "CREATE TABLE `associations` (\n" +
		"  `list_id` int(10) NOT NULL,\n" +
		"  `username` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  PRIMARY KEY (`list_id`,`username`),\n" +
		"  KEY `username` (`username`)\n" +
		") " + mysqlTableOptions},
	{"configs", "CREATE TABLE `configs` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `service` varchar(200) NOT NULL,\n" +
		"  `file` varchar(200) NOT NULL,\n" +
		"  `key` varchar(200) NOT NULL,\n" +
		"  `value` varchar(255) NOT NULL DEFAULT '',\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `path` (`service`,`file`,`key`),\n" +
		"  KEY `service` (`service`),\n" +
		"  KEY `file` (`file`)\n" +
		") " + mysqlTableOptions},
	{"domains", mysqlDomains},
	{"forwards", "CREATE TABLE `forwards` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `username` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  `forward_type` tinyint(4) NOT NULL DEFAULT 0,\n" +
		"  `destination` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `username` (`username`)\n" +
		") " + mysqlTableOptions},
	{"groups", "CREATE TABLE `groups` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `groupname` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  `password` varchar(136) " + mysqlASCII + " NOT NULL DEFAULT '',\n" +
		"  `domain_id` int(10) unsigned NOT NULL,\n" +
		"  `title` varchar(128) NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `groupname` (`groupname`),\n" +
		"  KEY `domain_id` (`domain_id`)\n" +
		") " + mysqlTableOptions},
	{"options", "CREATE TABLE `options` (\n" +
		"  `key` varchar(32) " + mysqlASCII + " NOT NULL,\n" +
		"  `value` varchar(255) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`key`)\n" +
		") " + mysqlTableOptions},
	{"orgs", "CREATE TABLE `orgs` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `name` varchar(32) NOT NULL,\n" +
		"  `description` varchar(128) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`)\n" +
		") " + mysqlTableOptions},
	{"specifieds", "CREATE TABLE `specifieds` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `username` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  `list_id` int(10) NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  KEY `list_id` (`list_id`)\n" +
		") " + mysqlTableOptions},
	{"users", "CREATE TABLE `users` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `username` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  `primary_email` varchar(320) " + mysqlASCII + " DEFAULT NULL,\n" +
		"  `altname` varchar(64) DEFAULT NULL,\n" +
		"  `password` varchar(136) " + mysqlASCII + " NOT NULL DEFAULT '',\n" +
		"  `domain_id` int(10) unsigned NOT NULL,\n" +
		"  `group_id` int(10) unsigned NOT NULL,\n" +
		"  `homeserver` tinyint(5) unsigned NOT NULL DEFAULT 0,\n" +
		"  `maildir` varchar(128) NOT NULL DEFAULT '',\n" +
		"  `lang` varchar(32) NOT NULL DEFAULT '',\n" +
		"  `timezone` varchar(64) NOT NULL DEFAULT '',\n" +
		"  `privilege_bits` int(10) unsigned NOT NULL,\n" +
		"  `address_status` tinyint(4) NOT NULL DEFAULT 0,\n" +
		"  `externid` varbinary(64) DEFAULT NULL,\n" +
		"  `sync_policy` text " + mysqlASCII + " DEFAULT NULL,\n" +
		"  `chat_id` varchar(26) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `username` (`username`),\n" +
		"  UNIQUE KEY `domain_id_2` (`domain_id`,`username`),\n" +
		"  UNIQUE KEY `group_id_2` (`group_id`,`username`),\n" +
		"  UNIQUE KEY `altname` (`altname`),\n" +
		"  KEY `group_id` (`group_id`),\n" +
		"  KEY `domain_id` (`domain_id`),\n" +
		"  KEY `maildir` (`maildir`)\n" +
		") " + mysqlTableOptions},
	{"aliases", "CREATE TABLE `aliases` (\n" +
		"  `aliasname` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  `mainname` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  PRIMARY KEY (`aliasname`),\n" +
		"  KEY `mainname` (`mainname`),\n" +
		"  CONSTRAINT `aliases_ibfk_1` FOREIGN KEY (`mainname`) REFERENCES `users` (`username`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"mlists", "CREATE TABLE `mlists` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `listname` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  `domain_id` int(10) unsigned NOT NULL,\n" +
		"  `list_type` tinyint(4) NOT NULL,\n" +
		"  `list_privilege` tinyint(4) NOT NULL DEFAULT 0,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `listname` (`listname`),\n" +
		"  KEY `domain_id` (`domain_id`),\n" +
		"  CONSTRAINT `mlists_ibfk_1` FOREIGN KEY (`listname`) REFERENCES `users` (`username`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"user_properties", "CREATE TABLE `user_properties` (\n" +
		"  `user_id` int(10) unsigned NOT NULL,\n" +
		"  `proptag` int(10) unsigned NOT NULL,\n" +
		"  `order_id` int(10) unsigned NOT NULL DEFAULT 1,\n" +
		"  `propval_bin` varbinary(4096) DEFAULT NULL,\n" +
		"  `propval_str` varchar(4096) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`user_id`,`proptag`,`order_id`),\n" +
		"  CONSTRAINT `user_properties_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"admin_role_permission_relation", "CREATE TABLE `admin_role_permission_relation` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `role_id` int(10) unsigned NOT NULL,\n" +
		"  `permission` varchar(64) NOT NULL,\n" +
		"  `parameters` text DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  KEY `role_id` (`role_id`),\n" +
		"  CONSTRAINT `admin_role_permission_relation_ibfk_1` FOREIGN KEY (`role_id`) REFERENCES `admin_roles` (`id`)\n" +
		") " + mysqlTableOptions},
	{"admin_user_role_relation", "CREATE TABLE `admin_user_role_relation` (\n" +
		"  `user_id` int(10) unsigned NOT NULL,\n" +
		"  `role_id` int(10) unsigned NOT NULL,\n" +
		"  PRIMARY KEY (`user_id`,`role_id`),\n" +
		"  KEY `admin_user_role_relation_ibfk_2` (`role_id`),\n" +
		"  CONSTRAINT `admin_user_role_relation_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE,\n" +
		"  CONSTRAINT `admin_user_role_relation_ibfk_2` FOREIGN KEY (`role_id`) REFERENCES `admin_roles` (`id`)\n" +
		") " + mysqlTableOptions},
	{"classes", "CREATE TABLE `classes` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `classname` varchar(128) NOT NULL,\n" +
		"  `listname` varchar(320) " + mysqlASCII + " NOT NULL,\n" +
		"  `filters` text DEFAULT NULL,\n" +
		"  `domain_id` int(10) unsigned NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  KEY `listname` (`listname`),\n" +
		"  KEY `domain_id` (`domain_id`),\n" +
		"  CONSTRAINT `classes_ibfk_1` FOREIGN KEY (`domain_id`) REFERENCES `domains` (`id`),\n" +
		"  CONSTRAINT `classes_ibfk_2` FOREIGN KEY (`listname`) REFERENCES `users` (`username`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"fetchmail", "CREATE TABLE `fetchmail` (\n" +
		"  `id` int(11) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `user_id` int(10) unsigned NOT NULL,\n" +
		"  `mailbox` varchar(320) NOT NULL,\n" +
		"  `active` tinyint(1) unsigned NOT NULL DEFAULT 1,\n" +
		"  `src_server` varchar(255) NOT NULL,\n" +
		"  `src_auth` enum(" + fetchmailAuthEnum + ") NOT NULL DEFAULT 'password',\n" +
		"  `src_user` varchar(255) NOT NULL,\n" +
		"  `src_password` varchar(255) NOT NULL,\n" +
		"  `src_folder` varchar(255) NOT NULL,\n" +
		"  `fetchall` tinyint(1) unsigned NOT NULL DEFAULT 0,\n" +
		"  `keep` tinyint(1) unsigned NOT NULL DEFAULT 1,\n" +
		"  `protocol` enum(" + fetchmailProtoEnum + ") NOT NULL DEFAULT 'IMAP',\n" +
		"  `usessl` tinyint(1) unsigned NOT NULL DEFAULT 1,\n" +
		"  `sslcertck` tinyint(1) unsigned NOT NULL DEFAULT 0,\n" +
		"  `sslcertpath` varchar(255) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci DEFAULT NULL,\n" +
		"  `sslfingerprint` varchar(255) CHARACTER SET latin1 COLLATE latin1_swedish_ci DEFAULT NULL,\n" +
		"  `extra_options` text DEFAULT NULL,\n" +
		"  `date` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  KEY `fetchmail_ibfk_1` (`user_id`),\n" +
		"  CONSTRAINT `fetchmail_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"secondary_store_hints", "CREATE TABLE `secondary_store_hints` (\n" +
		"  `primary` int(10) unsigned NOT NULL,\n" +
		"  `secondary` int(10) unsigned NOT NULL,\n" +
		"  PRIMARY KEY (`primary`,`secondary`),\n" +
		"  KEY `users_ibfk_2` (`secondary`),\n" +
		"  CONSTRAINT `users_ibfk_1` FOREIGN KEY (`primary`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE,\n" +
		"  CONSTRAINT `users_ibfk_2` FOREIGN KEY (`secondary`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"user_devices", "CREATE TABLE `user_devices` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `user_id` int(10) unsigned NOT NULL,\n" +
		"  `device_id` varchar(64) NOT NULL,\n" +
		"  `status` int(10) unsigned NOT NULL DEFAULT 0,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `user_device` (`user_id`,`device_id`),\n" +
		"  CONSTRAINT `user_devices_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"user_device_history", "CREATE TABLE `user_device_history` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `user_device_id` int(10) unsigned NOT NULL,\n" +
		"  `time` timestamp NOT NULL DEFAULT current_timestamp(),\n" +
		"  `remote_ip` varchar(64) NOT NULL,\n" +
		"  `status` int(10) unsigned NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  KEY `user_device_history_ibfk_1` (`user_device_id`),\n" +
		"  CONSTRAINT `user_device_history_ibfk_1` FOREIGN KEY (`user_device_id`) REFERENCES `user_devices` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions},
	{"tasq", "CREATE TABLE `tasq` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `command` varchar(16) NOT NULL,\n" +
		"  `state` tinyint(3) unsigned NOT NULL DEFAULT 0,\n" +
		"  `created` timestamp NOT NULL DEFAULT current_timestamp(),\n" +
		"  `updated` timestamp NOT NULL DEFAULT current_timestamp(),\n" +
		"  `message` varchar(160) NOT NULL DEFAULT '',\n" +
		"  `access` text DEFAULT NULL,\n" +
		"  `params` text DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  KEY `state` (`state`),\n" +
		"  KEY `updated` (`updated`)\n" +
		") " + mysqlTableOptions},
	{"servers", mysqlServers},
	{"orgparam", mysqlOrgparam},
	{"altnames", mysqlAltnames},
	{"disabled_plugins", mysqlDisabledPlugins},
}

const (
	// mysqlTableOptions ends every CREATE TABLE. The collation is spelled
	// out: servers whose utf8mb4 default differs (MariaDB 11.5+ uses
	// uca1400) must still get the collation upstream's tables have.
	mysqlTableOptions = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
	// mysqlASCII is the character set of address columns: compared
	// case-insensitively, like NOCASE on SQLite.
	mysqlASCII = "CHARACTER SET ascii COLLATE ascii_general_ci"

	fetchmailAuthEnum  = "'password','kerberos_v5','kerberos','kerberos_v4','gssapi','cram-md5','otp','ntlm','msn','ssh','any'"
	fetchmailProtoEnum = "'POP3','IMAP','POP2','ETRN','AUTO'"
)

// Tables that upgrade steps create as well, shared with mysqlTables.
const (
	mysqlDomains = "CREATE TABLE `domains` (\n" +
		"  `id` int(10) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `org_id` int(10) unsigned NOT NULL DEFAULT 0,\n" +
		"  `domainname` varchar(255) " + mysqlASCII + " NOT NULL,\n" +
		"  `homeserver` tinyint(5) NOT NULL DEFAULT 0,\n" +
		"  `homedir` varchar(128) NOT NULL DEFAULT '',\n" +
		"  `max_user` int(10) unsigned NOT NULL,\n" +
		"  `title` varchar(128) NOT NULL DEFAULT '',\n" +
		"  `address` varchar(128) NOT NULL DEFAULT '',\n" +
		"  `admin_name` varchar(32) NOT NULL DEFAULT '',\n" +
		"  `tel` varchar(64) NOT NULL DEFAULT '',\n" +
		"  `end_day` date NOT NULL,\n" +
		"  `domain_status` tinyint(4) NOT NULL DEFAULT 0,\n" +
		"  `sync_policy` text " + mysqlASCII + " DEFAULT NULL,\n" +
		"  `chat_id` varchar(26) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `domainname` (`domainname`),\n" +
		"  KEY `homedir` (`homedir`),\n" +
		"  KEY `org_id` (`org_id`)\n" +
		") " + mysqlTableOptions

	mysqlServers = "CREATE TABLE `servers` (\n" +
		"  `id` tinyint(5) unsigned NOT NULL AUTO_INCREMENT,\n" +
		"  `hostname` varchar(255) " + mysqlASCII + " NOT NULL,\n" +
		"  `extname` varchar(255) " + mysqlASCII + " NOT NULL,\n" +
		"  PRIMARY KEY (`id`),\n" +
		"  UNIQUE KEY `hostname` (`hostname`)\n" +
		") " + mysqlTableOptions

	mysqlOrgparam = "CREATE TABLE `orgparam` (\n" +
		"  `org_id` int(10) unsigned NOT NULL,\n" +
		"  `key` varchar(32) " + mysqlASCII + " NOT NULL,\n" +
		"  `value` varchar(255) DEFAULT NULL,\n" +
		"  PRIMARY KEY (`org_id`,`key`),\n" +
		"  CONSTRAINT `orgparam_ibfk_1` FOREIGN KEY (`org_id`) REFERENCES `orgs` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions

	mysqlAltnames = "CREATE TABLE `altnames` (\n" +
		"  `user_id` int(10) unsigned NOT NULL,\n" +
		"  `altname` varchar(320) NOT NULL,\n" +
		"  `magic` int(10) unsigned NOT NULL DEFAULT 0,\n" +
		"  PRIMARY KEY (`user_id`,`altname`),\n" +
		"  UNIQUE KEY `altname` (`altname`),\n" +
		"  CONSTRAINT `altnames_ibfk_1` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions

	mysqlDisabledPlugins = "CREATE TABLE `disabled_plugins` (\n" +
		"  `domain_id` int(10) unsigned NOT NULL,\n" +
		"  `plugin` varchar(128) NOT NULL,\n" +
		"  PRIMARY KEY (`domain_id`,`plugin`),\n" +
		"  CONSTRAINT `domain_ibfk_1` FOREIGN KEY (`domain_id`) REFERENCES `domains` (`id`) ON DELETE CASCADE ON UPDATE CASCADE\n" +
		") " + mysqlTableOptions
)

// mysqlUpgrades are the steps from schema 103 to 133. Each step moves the
// database exactly one upstream version forward (upstream has no step 116);
// the version is recorded after each step, since MySQL commits DDL at once.
// The effect of every step is the one lib/dbop_mysql.cpp describes for that
// version; the statements are ours.
var mysqlUpgrades = []upgradeStep{
	{104, []string{"ALTER TABLE `users` ADD COLUMN `homeserver` tinyint(5) unsigned NOT NULL DEFAULT 0 AFTER `group_id`"}},
	{105, []string{"ALTER TABLE `domains` ADD COLUMN `homeserver` tinyint(5) unsigned NOT NULL DEFAULT 0 AFTER `domainname`"}},
	{106, []string{"ALTER TABLE `servers` ADD UNIQUE KEY `hostname` (`hostname`)"}},
	{107, []string{"ALTER TABLE `servers` MODIFY `id` tinyint(5) unsigned NOT NULL AUTO_INCREMENT"}},
	{108, []string{"ALTER TABLE `servers` MODIFY `id` tinyint(5) unsigned NOT NULL AUTO_INCREMENT"}},
	{109, []string{mysqlOrgparam}},
	{110, []string{"ALTER TABLE `users` ADD COLUMN `altname` varchar(64) DEFAULT NULL AFTER `primary_email`"}},
	{111, []string{"ALTER TABLE `users` ADD UNIQUE KEY `altname` (`altname`)"}},
	{112, []string{"ALTER TABLE `users` DROP COLUMN `max_size`"}},
	// Lists whose users row is gone cannot satisfy the key added next.
	{113, []string{"DELETE FROM `mlists` WHERE NOT EXISTS (SELECT 1 FROM `users` AS u WHERE u.`username`=`mlists`.`listname`)"}},
	{114, []string{"ALTER TABLE `mlists` ADD CONSTRAINT `mlists_ibfk_1` FOREIGN KEY (`listname`) REFERENCES `users` (`username`)"}},
	{115, []string{"DROP TABLE `members`"}},
	{117, []string{"DROP TABLE `hierarchy`"}},
	{118, []string{"DELETE FROM `classes` WHERE NOT EXISTS (SELECT 1 FROM `users` AS u WHERE u.`username`=`classes`.`listname`)"}},
	{119, []string{"ALTER TABLE `classes` MODIFY `listname` varchar(320) " + mysqlASCII + " NOT NULL"}},
	{120, []string{"ALTER TABLE `classes` ADD CONSTRAINT `classes_ibfk_2` FOREIGN KEY (`listname`) REFERENCES `users` (`username`) ON DELETE CASCADE ON UPDATE CASCADE"}},
	{121, []string{"ALTER TABLE `mlists` DROP FOREIGN KEY `mlists_ibfk_1`"}},
	{122, []string{"ALTER TABLE `mlists` ADD CONSTRAINT `mlists_ibfk_1` FOREIGN KEY (`listname`) REFERENCES `users` (`username`) ON DELETE CASCADE ON UPDATE CASCADE"}},
	{123, []string{"ALTER TABLE `associations` DROP INDEX `list_id`"}},
	{124, []string{"ALTER TABLE `associations` DROP INDEX `username`"}},
	{125, []string{"ALTER TABLE `associations` DROP COLUMN `id`"}},
	{126, []string{"ALTER TABLE `associations` MODIFY `list_id` int(10) NOT NULL FIRST"}},
	{127, []string{"ALTER TABLE `associations` ADD PRIMARY KEY (`list_id`,`username`)"}},
	{128, []string{"ALTER TABLE `associations` DROP INDEX `list_id_2`"}},
	{129, []string{mysqlAltnames}},
	// The single users.altname of schema 110 becomes a row of altnames.
	{130, []string{"INSERT INTO `altnames` (`user_id`, `altname`, `magic`) SELECT `id`, `altname`, 0 FROM `users` WHERE `altname` IS NOT NULL"}},
	{131, []string{"UPDATE `users` SET `altname`=NULL"}},
	{132, []string{"ALTER TABLE `associations` ADD KEY `username` (`username`)"}},
	{133, []string{mysqlDisabledPlugins}},
}
