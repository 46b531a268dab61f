package mailbox

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Schema versions this package reads and writes: configurations row 10
// (CONFIG_ID_SCHEMAVERSION) of exchange.sqlite3 and of midb.sqlite3.
const (
	SchemaVersion     = 27 // exchange.sqlite3, private and public stores
	MidbSchemaVersion = 5  // midb.sqlite3
)

// configurations.config_id values (upstream include/gromox/mapi_types.hpp).
const (
	configMailboxGUID        = 1  // store GUID (PR_STORE_RECORD_KEY), text
	configCurrentEID         = 2  // next free GCV of the global range
	configMaximumEID         = 3  // end of the global range
	configLastChangeNumber   = 4  // last CN handed out
	configLastArticleNumber  = 5  // last PR_INTERNET_ARTICLE_NUMBER
	configLastCID            = 6  // legacy numeric content ids
	configSearchState        = 7  // PR_STORE_STATE
	configDefaultPermission  = 8  // fallback rights of "default"
	configAnonymousPerm      = 9  // fallback rights of "anonymous"
	configSchemaVersion      = 10 // schema version
	configMappingSignature   = 11 // PR_MAPPING_SIGNATURE, text GUID
	replguidFirstDynamicMark = 5  // replguidmap AUTOINCREMENT is bumped past 1..5
)

// The DDL below is the text upstream's sqlite_master holds for a schema-27
// private store, a schema-27 public store and a schema-5 midb.sqlite3, in
// upstream's creation order (table, then its indexes). It is byte-identical to
// the sqlite_master of stores made by upstream 3.10 (fixtures/upstream-3.10),
// so tools that inspect the schema (mbck's index check, dbop upgrades keyed on
// index names) see the same thing.

var privateSchema = []string{
	"CREATE TABLE configurations (" +
		"  config_id INTEGER PRIMARY KEY," +
		"  config_value BLOB NOT NULL)",
	"CREATE TABLE allocated_eids (" +
		"  range_begin INTEGER NOT NULL," +
		"  range_end INTEGER NOT NULL," +
		"  allocate_time INTEGER NOT NULL," +
		"  is_system INTEGER DEFAULT NULL)",
	"CREATE INDEX time_index ON allocated_eids(allocate_time)",
	"CREATE TABLE named_properties (" +
		"  propid INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  name_string TEXT COLLATE NOCASE NOT NULL)",
	"CREATE UNIQUE INDEX namedprop_unique ON named_properties(name_string)",
	"CREATE TABLE store_properties (" +
		"  proptag INTEGER UNIQUE NOT NULL," +
		"  propval BLOB NOT NULL)",
	"CREATE TABLE folder_properties (" +
		"  folder_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_properties_index3 ON folder_properties(folder_id)",
	"CREATE UNIQUE INDEX folder_property_index3 ON folder_properties(folder_id, proptag)",
	"CREATE TABLE permissions (" +
		"  member_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  folder_id INTEGER NOT NULL," +
		"  username TEXT COLLATE NOCASE NOT NULL," +
		"  permission INTEGER NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_permissions_index ON permissions(folder_id)",
	"CREATE UNIQUE INDEX folder_username_index ON permissions(folder_id, username)",
	"CREATE UNIQUE INDEX folder_username_index2 ON permissions(username, folder_id)",
	"CREATE TABLE rules (" +
		"  rule_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  name TEXT COLLATE NOCASE," +
		"  provider TEXT COLLATE NOCASE NOT NULL," +
		"  sequence INTEGER NOT NULL," +
		"  state INTEGER NOT NULL," +
		"  level INTEGER," +
		"  user_flags INTEGER," +
		"  provider_data BLOB," +
		"  condition BLOB NOT NULL," +
		"  actions BLOB NOT NULL," +
		"  folder_id INTEGER NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_rules_index on rules(folder_id)",
	"CREATE TABLE message_properties (" +
		"  message_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_properties_index4 ON message_properties(message_id)",
	"CREATE UNIQUE INDEX message_property_index4 ON message_properties(message_id, proptag)",
	"CREATE INDEX conv_id_index ON message_properties(propval) WHERE proptag = 806551810",
	"CREATE TABLE message_changes (" +
		"  message_id INTEGER NOT NULL," +
		"  change_number INTEGER NOT NULL," +
		"  indices BLOB NOT NULL," +
		"  proptags BLOB NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_changes_index ON message_changes(message_id)",
	"CREATE TABLE recipients (" +
		"  recipient_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  message_id INTEGER NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_recipients_index ON recipients(message_id)",
	"CREATE TABLE recipients_properties (" +
		"  recipient_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (recipient_id) REFERENCES recipients (recipient_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX rid_properties_index5 ON recipients_properties(recipient_id)",
	"CREATE UNIQUE INDEX recipient_property_index5 ON recipients_properties(recipient_id, proptag)",
	"CREATE TABLE `replguidmap` (" +
		"\t`replid` INTEGER PRIMARY KEY AUTOINCREMENT," +
		"\t`replguid` VARCHAR(40))",
	"CREATE UNIQUE INDEX replguidmap_guid ON replguidmap(replguid)",
	"CREATE TABLE attachments (" +
		"  attachment_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  message_id INTEGER NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_attachments_index ON attachments(message_id)",
	"CREATE TABLE attachment_properties (" +
		"  attachment_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (attachment_id) REFERENCES attachments (attachment_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX attid_properties_index6 ON attachment_properties(attachment_id)",
	"CREATE UNIQUE INDEX attachment_property_index6 ON attachment_properties(attachment_id, proptag)",
	"CREATE TABLE folders (" +
		"  folder_id INTEGER PRIMARY KEY," +
		"  parent_id INTEGER," +
		"  change_number INTEGER UNIQUE NOT NULL," +
		"  is_search INTEGER DEFAULT 0," +
		"  search_flags INTEGER DEFAULT NULL," +
		"  search_criteria BLOB DEFAULT NULL," +
		"  cur_eid INTEGER NOT NULL," +
		"  max_eid INTEGER NOT NULL," +
		"  `is_deleted` INTEGER DEFAULT 0," +
		"  FOREIGN KEY (parent_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX search_index10 ON folders(is_search)",
	"CREATE TABLE messages (" +
		"  message_id INTEGER PRIMARY KEY," +
		"  parent_fid INTEGER," +
		"  parent_attid INTEGER," +
		"  is_deleted INTEGER DEFAULT 0," +
		"  is_associated INTEGER," +
		"  change_number INTEGER UNIQUE NOT NULL," +
		"  read_cn INTEGER UNIQUE DEFAULT NULL," +
		"  read_state INTEGER DEFAULT 0," +
		"  message_size INTEGER NOT NULL," +
		"  group_id INTEGER DEFAULT NULL," +
		"  timer_id INTEGER DEFAULT NULL," +
		"  mid_string TEXT DEFAULT NULL," +
		"  FOREIGN KEY (parent_fid) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE," +
		"  FOREIGN KEY (parent_attid) REFERENCES attachments (attachment_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX pid_messages_index8 ON messages(parent_fid)",
	"CREATE INDEX attid_messages_index8 ON messages(parent_attid)",
	"CREATE INDEX assoc_index8 ON messages(is_associated)",
	"CREATE INDEX parent_assoc_index8 ON messages(parent_fid, is_associated)",
	"CREATE INDEX parent_read_assoc_index8 ON messages(parent_fid, read_state, is_associated)",
	"CREATE TABLE receive_table (" +
		"  class TEXT COLLATE NOCASE UNIQUE NOT NULL," +
		"  folder_id INTEGER NOT NULL," +
		"  modified_time INTEGER NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_receive_index ON receive_table(folder_id)",
	"CREATE TABLE search_scopes (" +
		"  folder_id INTEGER NOT NULL," +
		"  included_fid INTEGER NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE," +
		"  FOREIGN KEY (included_fid) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_scope_index ON search_scopes(folder_id)",
	"CREATE INDEX included_scope_index ON search_scopes(included_fid)",
	"CREATE TABLE search_result (" +
		"  folder_id INTEGER NOT NULL," +
		"  message_id INTEGER NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_result_index ON search_result(folder_id)",
	"CREATE INDEX mid_result_index ON search_result(message_id)",
	"CREATE UNIQUE INDEX search_message_index ON search_result(folder_id, message_id)",
	"CREATE TABLE `autoreply_ts` (" +
		"\t`peer` VARCHAR(320) PRIMARY KEY," +
		"\t`ts` INTEGER)",
	"CREATE TABLE msgtime_index (" +
		"  folder_id INTEGER NOT NULL," +
		"  message_id INTEGER NOT NULL," +
		"  mtime INTEGER," +
		"  rcvtime INTEGER," +
		"  sndtime INTEGER," +
		"  PRIMARY KEY (folder_id, message_id)," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE UNIQUE INDEX msgtime_mt_idx ON msgtime_index (folder_id, mtime, message_id)",
	"CREATE UNIQUE INDEX msgtime_rt_idx ON msgtime_index (folder_id, rcvtime, message_id)",
	"CREATE UNIQUE INDEX msgtime_st_idx ON msgtime_index (folder_id, sndtime, message_id)",
}

var publicSchema = []string{
	"CREATE TABLE configurations (" +
		"  config_id INTEGER PRIMARY KEY," +
		"  config_value BLOB NOT NULL)",
	"CREATE TABLE allocated_eids (" +
		"  range_begin INTEGER NOT NULL," +
		"  range_end INTEGER NOT NULL," +
		"  allocate_time INTEGER NOT NULL," +
		"  is_system INTEGER DEFAULT NULL)",
	"CREATE INDEX time_index ON allocated_eids(allocate_time)",
	"CREATE TABLE named_properties (" +
		"  propid INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  name_string TEXT COLLATE NOCASE NOT NULL)",
	"CREATE TABLE store_properties (" +
		"  proptag INTEGER UNIQUE NOT NULL," +
		"  propval BLOB NOT NULL)",
	"CREATE TABLE folder_properties (" +
		"  folder_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_properties_index3 ON folder_properties(folder_id)",
	"CREATE UNIQUE INDEX folder_property_index3 ON folder_properties(folder_id, proptag)",
	"CREATE TABLE permissions (" +
		"  member_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  folder_id INTEGER NOT NULL," +
		"  username TEXT COLLATE NOCASE NOT NULL," +
		"  permission INTEGER NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_permissions_index ON permissions(folder_id)",
	"CREATE UNIQUE INDEX folder_username_index ON permissions(folder_id, username)",
	"CREATE UNIQUE INDEX folder_username_index2 ON permissions(username, folder_id)",
	"CREATE TABLE rules (" +
		"  rule_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  name TEXT COLLATE NOCASE," +
		"  provider TEXT COLLATE NOCASE NOT NULL," +
		"  sequence INTEGER NOT NULL," +
		"  state INTEGER NOT NULL," +
		"  level INTEGER," +
		"  user_flags INTEGER," +
		"  provider_data BLOB," +
		"  condition BLOB NOT NULL," +
		"  actions BLOB NOT NULL," +
		"  folder_id INTEGER NOT NULL," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX fid_rules_index on rules(folder_id)",
	"CREATE TABLE message_properties (" +
		"  message_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_properties_index4 ON message_properties(message_id)",
	"CREATE UNIQUE INDEX message_property_index4 ON message_properties(message_id, proptag)",
	"CREATE INDEX conv_id_index ON message_properties(propval) WHERE proptag = 806551810",
	"CREATE TABLE message_changes (" +
		"  message_id INTEGER NOT NULL," +
		"  change_number INTEGER NOT NULL," +
		"  indices BLOB NOT NULL," +
		"  proptags BLOB NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_changes_index ON message_changes(message_id)",
	"CREATE TABLE recipients (" +
		"  recipient_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  message_id INTEGER NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_recipients_index ON recipients(message_id)",
	"CREATE TABLE recipients_properties (" +
		"  recipient_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (recipient_id) REFERENCES recipients (recipient_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX rid_properties_index5 ON recipients_properties(recipient_id)",
	"CREATE UNIQUE INDEX recipient_property_index5 ON recipients_properties(recipient_id, proptag)",
	"CREATE TABLE attachments (" +
		"  attachment_id INTEGER PRIMARY KEY AUTOINCREMENT," +
		"  message_id INTEGER NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_attachments_index ON attachments(message_id)",
	"CREATE TABLE attachment_properties (" +
		"  attachment_id INTEGER NOT NULL," +
		"  proptag INTEGER NOT NULL," +
		"  propval BLOB NOT NULL," +
		"  FOREIGN KEY (attachment_id) REFERENCES attachments (attachment_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX attid_properties_index6 ON attachment_properties(attachment_id)",
	"CREATE UNIQUE INDEX attachment_property_index6 ON attachment_properties(attachment_id, proptag)",
	"CREATE TABLE folders (" +
		"  folder_id INTEGER PRIMARY KEY," +
		"  parent_id INTEGER," +
		"  change_number INTEGER UNIQUE NOT NULL," +
		"  is_deleted INTEGER DEFAULT 0," +
		"  cur_eid INTEGER NOT NULL," +
		"  max_eid INTEGER NOT NULL," +
		"  FOREIGN KEY (parent_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX folder_delete_index ON folders(parent_id, is_deleted)",
	"CREATE TABLE messages (" +
		"  message_id INTEGER PRIMARY KEY," +
		"  parent_fid INTEGER," +
		"  parent_attid INTEGER," +
		"  is_deleted INTEGER DEFAULT 0," +
		"  is_associated INTEGER," +
		"  change_number INTEGER UNIQUE NOT NULL," +
		"  message_size INTEGER NOT NULL," +
		"  group_id INTEGER DEFAULT NULL," +
		"  mid_string TEXT DEFAULT NULL," +
		"  FOREIGN KEY (parent_fid) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE," +
		"  FOREIGN KEY (parent_attid) REFERENCES attachments (attachment_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX pid_messages_index ON messages(parent_fid)",
	"CREATE INDEX attid_messages_index ON messages(parent_attid)",
	"CREATE INDEX assoc_index ON messages(is_associated)",
	"CREATE INDEX parent_assoc_delete_index ON messages(parent_fid, is_associated, is_deleted)",
	"CREATE TABLE read_states (" +
		"  message_id INTEGER NOT NULL," +
		"  username TEXT COLLATE NOCASE NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_states_index ON read_states(message_id)",
	"CREATE UNIQUE INDEX state_username_index ON read_states(message_id, username)",
	"CREATE TABLE read_cns (" +
		"  message_id INTEGER NOT NULL," +
		"  username TEXT COLLATE NOCASE NOT NULL," +
		"  read_cn INTEGER UNIQUE NOT NULL," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE INDEX mid_readcn_index ON read_cns(message_id)",
	"CREATE UNIQUE INDEX readcn_username_index ON read_cns(message_id, username)",
	"CREATE TABLE `replguidmap` (" +
		"\t`replid` INTEGER PRIMARY KEY AUTOINCREMENT," +
		"\t`replguid` VARCHAR(40))",
	"CREATE UNIQUE INDEX replguidmap_guid ON replguidmap(replguid)",
	"CREATE TABLE msgtime_index (" +
		"  folder_id INTEGER NOT NULL," +
		"  message_id INTEGER NOT NULL," +
		"  mtime INTEGER," +
		"  rcvtime INTEGER," +
		"  sndtime INTEGER," +
		"  PRIMARY KEY (folder_id, message_id)," +
		"  FOREIGN KEY (folder_id) REFERENCES folders (folder_id) ON DELETE CASCADE ON UPDATE CASCADE," +
		"  FOREIGN KEY (message_id) REFERENCES messages (message_id) ON DELETE CASCADE ON UPDATE CASCADE)",
	"CREATE UNIQUE INDEX msgtime_mt_idx ON msgtime_index (folder_id, mtime, message_id)",
	"CREATE UNIQUE INDEX msgtime_rt_idx ON msgtime_index (folder_id, rcvtime, message_id)",
	"CREATE UNIQUE INDEX msgtime_st_idx ON msgtime_index (folder_id, sndtime, message_id)",
}

var midbSchema = []string{
	"CREATE TABLE configurations (" +
		"  config_id INTEGER PRIMARY KEY," +
		"  config_value BLOB NOT NULL)",
	"CREATE TABLE folders (" +
		"  folder_id INTEGER PRIMARY KEY," +
		"  parent_fid INTEGER NOT NULL," +
		"  commit_max INTEGER NOT NULL," +
		"  name TEXT COLLATE NOCASE UNIQUE," +
		"  uidnext INTEGER DEFAULT 0," +
		"  unsub INTEGER DEFAULT 1," +
		"  sort_field INTEGER DEFAULT 0)",
	"CREATE INDEX parent_fid_index5 ON folders(parent_fid)",
	"CREATE TABLE messages (" +
		"  message_id INTEGER PRIMARY KEY," +
		"  folder_id INTEGER NOT NULL," +
		"  mid_string TEXT NOT NULL UNIQUE," +
		"  idx INTEGER DEFAULT NULL," +
		"  mod_time INTEGER DEFAULT 0," +
		"  uid INTEGER NOT NULL," +
		"  unsent INTEGER DEFAULT 0," +
		"  recent INTEGER DEFAULT 1," +
		"  read INTEGER DEFAULT 0," +
		"  flagged INTEGER DEFAULT 0," +
		"  replied INTEGER DEFAULT 0," +
		"  forwarded INTEGER DEFAULT 0," +
		"  deleted INTEGER DEFAULT 0," +
		"  subject TEXT NOT NULL," +
		"  sender TEXT NOT NULL," +
		"  rcpt TEXT NOT NULL," +
		"  size INTEGER NOT NULL," +
		"  ext TEXT DEFAULT NULL," +
		"  received INTEGER NOT NULL," +
		"  keywords TEXT DEFAULT NULL," +
		"  FOREIGN KEY (folder_id)  \tREFERENCES folders (folder_id)  \tON DELETE CASCADE  \tON UPDATE CASCADE)",
	"CREATE INDEX folder_id_index ON messages(folder_id)",
	"CREATE INDEX fid_idx_index ON messages(folder_id, idx)",
	"CREATE INDEX fid_recent_index ON messages(folder_id, recent)",
	"CREATE INDEX fid_read_index ON messages(folder_id, read)",
	"CREATE INDEX fid_received_index ON messages(folder_id, received)",
	"CREATE INDEX fid_uid_index ON messages(folder_id, uid)",
	"CREATE INDEX fid_flagged_index ON messages(folder_id, flagged)",
	"CREATE INDEX fid_subject_index ON messages(folder_id, subject)",
	"CREATE INDEX fid_from_index ON messages(folder_id, sender)",
	"CREATE INDEX fid_rcpt_index ON messages(folder_id, rcpt)",
	"CREATE INDEX fid_size_index ON messages(folder_id, size)",
	"CREATE TABLE mapping (" +
		"  message_id INTEGER PRIMARY KEY," +
		"  mid_string TEXT NOT NULL," +
		"  flag_string TEXT)",
}

// schemaKind selects one of the three database schemas.
type schemaKind int

const (
	schemaPrivate schemaKind = iota + 1
	schemaPublic
	schemaMidb
)

func (k schemaKind) String() string {
	switch k {
	case schemaPrivate:
		return "private store"
	case schemaPublic:
		return "public store"
	case schemaMidb:
		return "midb"
	}
	return "unknown"
}

func (k schemaKind) ddl() []string {
	switch k {
	case schemaPrivate:
		return privateSchema
	case schemaPublic:
		return publicSchema
	case schemaMidb:
		return midbSchema
	}
	return nil
}

func (k schemaKind) version() int {
	if k == schemaMidb {
		return MidbSchemaVersion
	}
	return SchemaVersion
}

// execer is what schema creation needs: a *sql.Tx or *sql.DB.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// createSchema creates every table and index of a schema and records its
// version in configurations row 10, as a new upstream database has them.
// The replguidmap AUTOINCREMENT counter is bumped so that the first replid
// handed out dynamically is 6 (1..5 are reserved for the local store, the
// three Exchange replica GUIDs and the mapping signature).
func createSchema(ctx context.Context, db execer, k schemaKind) error {
	for _, q := range k.ddl() {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create %s schema: %w", k, err)
		}
		if strings.HasPrefix(q, "CREATE UNIQUE INDEX replguidmap_guid ") {
			for _, b := range []string{
				fmt.Sprintf("REPLACE INTO replguidmap (replid) VALUES (%d)", replguidFirstDynamicMark),
				fmt.Sprintf("DELETE FROM replguidmap WHERE replid=%d", replguidFirstDynamicMark),
			} {
				if _, err := db.ExecContext(ctx, b); err != nil {
					return fmt.Errorf("create %s schema: %w", k, err)
				}
			}
		}
	}
	_, err := db.ExecContext(ctx, "REPLACE INTO configurations (config_id, config_value) VALUES (?, ?)",
		configSchemaVersion, k.version())
	if err != nil {
		return fmt.Errorf("create %s schema: %w", k, err)
	}
	return nil
}
