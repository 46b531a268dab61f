package mailbox

// folderNameTable holds the display names of the built-in folders per
// language, keyed by folder text id: the private folder GCVs 0x01..0x1d,
// 0x80 for the public store's "Public Folders", 0xff for the language's own
// name. These six languages carry exactly the names upstream Gromox 3.10
// gives them (its data/folder_names.txt), so that a store made here on a
// host without that file is named as upstream names it; an id a language
// lacks takes the English name, as upstream does (FolderName). The other
// languages come from the installed folder_names.txt (LoadFolderLanguages).
var folderNameTable = map[string]map[uint64]string{
	"en": {
		0x01: "Root Container", 0x02: "Deferred Action", 0x03: "Spooler Queue", 0x04: "Shortcuts",
		0x05: "Finder", 0x06: "Views", 0x07: "Common Views", 0x08: "Schedule",
		0x09: "Top of Information Store", 0x0a: "Sent Items", 0x0b: "Deleted Items", 0x0c: "Outbox",
		0x0d: "Inbox", 0x0e: "Drafts", 0x0f: "Calendar", 0x10: "Journal", 0x11: "Notes", 0x12: "Tasks",
		0x13: "Contacts", 0x14: "Quick Contacts", 0x15: "IM Contacts List", 0x16: "GAL Contacts",
		0x17: "Junk Email", 0x18: "Freebusy Data", 0x19: "Sync Issues", 0x1a: "Conflicts",
		0x1b: "Local Failures", 0x1c: "Server Failures", 0x1d: "Conversation Action Settings",
		0x80: "Public Folders", 0xff: "English",
	},
	"de": {
		0x01: "Stamm", 0x05: "Suchordner", 0x06: "Ansichten", 0x07: "Allgemeine Ansichten",
		0x09: "Oberste Ebene des Informationsspeichers", 0x0a: "Gesendete Elemente",
		0x0b: "Gelöschte Elemente", 0x0c: "Postausgang", 0x0d: "Posteingang", 0x0e: "Entwürfe",
		0x0f: "Kalender", 0x10: "Journal", 0x11: "Notizen", 0x12: "Aufgaben", 0x13: "Kontakte",
		0x14: "Schnellkontakte", 0x17: "Junk-E-Mail", 0x19: "Synchronisierungsprobleme",
		0x1a: "Konflikte", 0x1b: "Lokale Fehler", 0x1c: "Serverfehler", 0x80: "Öffentliche Ordner",
		0xff: "Deutsch",
	},
	"es": {
		0x06: "Vistas", 0x07: "Vistas comunes", 0x09: "Principio del almacén de información",
		0x0a: "Elementos enviados", 0x0b: "Elementos eliminados", 0x0c: "Bandeja de salida",
		0x0d: "Bandeja de entrada", 0x0e: "Borradores", 0x0f: "Calendario", 0x10: "Diario",
		0x11: "Notas", 0x12: "Tareas", 0x13: "Contactos", 0x14: "Contactos rápidos",
		0x17: "Correo no deseado", 0x19: "Problemas de sincronización", 0x1a: "Conflictos",
		0x1b: "Error local", 0x1c: "Errores del servidor", 0x80: "Carpetas públicas", 0xff: "Español",
	},
	"fr": {
		0x06: "Affichages", 0x07: "Affichages habituels", 0x09: "Haut de la banque d'informations",
		0x0a: "Éléments envoyés", 0x0b: "Éléments supprimés", 0x0c: "Boîte d'envoi",
		0x0d: "Boîte de réception", 0x0e: "Brouillons", 0x0f: "Calendrier", 0x10: "Journal",
		0x11: "Notes", 0x12: "Tâches", 0x13: "Contacts", 0x14: "Contacts rapides",
		0x17: "Courrier indésirable", 0x19: "Problèmes de synchronisation", 0x1a: "Conflits",
		0x1b: "Échecs locaux", 0x1c: "Échecs du serveur", 0x80: "Dossiers publics", 0xff: "Français",
	},
	"it": {
		0x06: "Visualizzazioni", 0x07: "Visualizzazioni comuni",
		0x09: "Livello superiore archivio informazioni", 0x0a: "Posta inviata", 0x0b: "Posta eliminata",
		0x0c: "Posta in uscita", 0x0d: "Posta in arrivo", 0x0e: "Bozze", 0x0f: "Calendario",
		0x10: "Journal", 0x11: "Note", 0x12: "Attività", 0x13: "Contatti", 0x14: "Contatti rapidi",
		0x17: "Posta indesiderata", 0x19: "Problemi di sincronizzazione", 0x1a: "Conflitti",
		0x1b: "Errori in locale", 0x1c: "Errori del server", 0x80: "Cartelle pubbliche",
		0xff: "Italiano",
	},
	"nl": {
		0x06: "Weergaven", 0x07: "Algemene weergaven", 0x09: "Bovenste map van gegevensarchief",
		0x0a: "Verzonden items", 0x0b: "Verwijderde items", 0x0c: "Postvak UIT", 0x0d: "Postvak IN",
		0x0e: "Concepten", 0x0f: "Agenda", 0x10: "Logboek", 0x11: "Notities", 0x12: "Taken",
		0x13: "Contactpersonen", 0x14: "Snelle contactpersonen", 0x17: "Ongewenste e-mail",
		0x19: "Synchronisatieproblemen", 0x1a: "Conflicten", 0x1b: "Lokale fouten", 0x1c: "Serverfouten",
		0x80: "Openbare mappen", 0xff: "Nederlands",
	},
}
