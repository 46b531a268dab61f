package config

// DataFilePath is gromox.cfg's data_file_path: the directories searched, in
// order, for upstream's read-only data files (folder_names.txt, ...).
func (s *Settings) DataFilePath() SearchPath {
	return ParseSearchPath(s.Files["gromox.cfg"].String("data_file_path"))
}
