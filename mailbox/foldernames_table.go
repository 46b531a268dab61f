package mailbox

// folderNameTable holds the display names of the built-in folders per
// language, keyed by folder text id: the private folder GCVs 0x01..0x1d,
// 0x80 for the public store's "Public Folders", 0xff for the language's own
// name. The system folders outside the IPM subtree keep their English names
// in every language, as Exchange's do. Languages not listed get English.
var folderNameTable = map[string]map[uint64]string{
	"en": {
		0x0a: "Sent Items", 0x0b: "Deleted Items", 0x0c: "Outbox", 0x0d: "Inbox", 0x0e: "Drafts",
		0x0f: "Calendar", 0x10: "Journal", 0x11: "Notes", 0x12: "Tasks", 0x13: "Contacts",
		0x14: "Quick Contacts", 0x15: "IM Contacts List", 0x16: "GAL Contacts", 0x17: "Junk Email",
		0x19: "Sync Issues", 0x1a: "Conflicts", 0x1b: "Local Failures", 0x1c: "Server Failures",
		0x1d: "Conversation Action Settings", 0x80: "Public Folders", 0xff: "English",
	},
	"de": {
		0x09: "Oberste Ebene des Informationsspeichers",
		0x0a: "Gesendete Elemente", 0x0b: "Gelöschte Elemente", 0x0c: "Postausgang", 0x0d: "Posteingang",
		0x0e: "Entwürfe", 0x0f: "Kalender", 0x10: "Journal", 0x11: "Notizen", 0x12: "Aufgaben",
		0x13: "Kontakte", 0x14: "Schnellkontakte", 0x15: "IM-Kontaktliste", 0x16: "GAL-Kontakte",
		0x17: "Junk-E-Mail", 0x19: "Synchronisierungsprobleme", 0x1a: "Konflikte", 0x1b: "Lokale Fehler",
		0x1c: "Serverfehler", 0x1d: "Einstellungen für Unterhaltungsaktionen", 0x80: "Öffentliche Ordner",
		0xff: "Deutsch",
	},
	"fr": {
		0x09: "Partie supérieure de la banque d'informations",
		0x0a: "Éléments envoyés", 0x0b: "Éléments supprimés", 0x0c: "Boîte d'envoi", 0x0d: "Boîte de réception",
		0x0e: "Brouillons", 0x0f: "Calendrier", 0x10: "Journal", 0x11: "Notes", 0x12: "Tâches",
		0x13: "Contacts", 0x14: "Contacts rapides", 0x15: "Liste des contacts de messagerie instantanée",
		0x16: "Contacts de la liste d'adresses globale", 0x17: "Courrier indésirable",
		0x19: "Problèmes de synchronisation", 0x1a: "Conflits", 0x1b: "Échecs locaux", 0x1c: "Échecs du serveur",
		0x1d: "Paramètres des actions de conversation", 0x80: "Dossiers publics", 0xff: "Français",
	},
	"es": {
		0x09: "Parte superior del almacén de información",
		0x0a: "Elementos enviados", 0x0b: "Elementos eliminados", 0x0c: "Bandeja de salida", 0x0d: "Bandeja de entrada",
		0x0e: "Borradores", 0x0f: "Calendario", 0x10: "Diario", 0x11: "Notas", 0x12: "Tareas",
		0x13: "Contactos", 0x14: "Contactos rápidos", 0x15: "Lista de contactos de MI", 0x16: "Contactos de la GAL",
		0x17: "Correo no deseado", 0x19: "Problemas de sincronización", 0x1a: "Conflictos", 0x1b: "Errores locales",
		0x1c: "Errores del servidor", 0x1d: "Configuración de acciones de conversación", 0x80: "Carpetas públicas",
		0xff: "Español",
	},
	"it": {
		0x09: "Inizio archivio informazioni",
		0x0a: "Posta inviata", 0x0b: "Posta eliminata", 0x0c: "Posta in uscita", 0x0d: "Posta in arrivo",
		0x0e: "Bozze", 0x0f: "Calendario", 0x10: "Diario", 0x11: "Note", 0x12: "Attività",
		0x13: "Contatti", 0x14: "Contatti rapidi", 0x15: "Elenco contatti IM", 0x16: "Contatti GAL",
		0x17: "Posta indesiderata", 0x19: "Problemi di sincronizzazione", 0x1a: "Conflitti", 0x1b: "Errori locali",
		0x1c: "Errori del server", 0x1d: "Impostazioni azioni conversazione", 0x80: "Cartelle pubbliche",
		0xff: "Italiano",
	},
	"nl": {
		0x09: "Bovenkant van gegevensarchief",
		0x0a: "Verzonden items", 0x0b: "Verwijderde items", 0x0c: "Postvak UIT", 0x0d: "Postvak IN",
		0x0e: "Concepten", 0x0f: "Agenda", 0x10: "Logboek", 0x11: "Notities", 0x12: "Taken",
		0x13: "Contactpersonen", 0x14: "Snelcontacten", 0x15: "Lijst met IM-contactpersonen",
		0x16: "GAL-contactpersonen", 0x17: "Ongewenste e-mail", 0x19: "Synchronisatieproblemen",
		0x1a: "Conflicten", 0x1b: "Lokale fouten", 0x1c: "Serverfouten",
		0x1d: "Instellingen voor conversatieacties", 0x80: "Openbare mappen", 0xff: "Nederlands",
	},
}

// englishSystemFolders are the names every language shares.
var englishSystemFolders = map[uint64]string{
	0x01: "Root Container", 0x02: "Deferred Action", 0x03: "Spooler Queue", 0x04: "Shortcuts",
	0x05: "Finder", 0x06: "Views", 0x07: "Common Views", 0x08: "Schedule",
	0x09: "Top of Information Store", 0x18: "Freebusy Data",
}
