package supervisor

import (
	"fmt"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewLogger builds the process logger from upstream's log settings: level on
// upstream's scale (1 crit, 2 err, 3 warn, 4 notice, 5 info, 6 debug) and a
// file, "-" (or "") meaning stderr.
func NewLogger(level int, file string) (*zap.Logger, error) {
	var lvl zapcore.Level
	switch {
	case level <= 2:
		lvl = zapcore.ErrorLevel
	case level == 3:
		lvl = zapcore.WarnLevel
	case level <= 5:
		lvl = zapcore.InfoLevel
	default:
		lvl = zapcore.DebugLevel
	}
	out := zapcore.Lock(os.Stderr)
	if file != "" && file != "-" {
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			return nil, fmt.Errorf("log_file: %w", err)
		}
		out = zapcore.Lock(f)
	}
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	enc.EncodeLevel = zapcore.CapitalLevelEncoder
	enc.EncodeDuration = zapcore.StringDurationEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), out, lvl)
	return zap.New(core, zap.AddCaller(), zap.AddStacktrace(zapcore.DPanicLevel)), nil
}
