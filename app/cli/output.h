#pragma once

#include <QByteArray>
#include <QString>

namespace Berth::Cli {

//! Machine output goes to stdout and nothing else does; messages go to stderr. Both are written
//! unbuffered-by-line so `berth tags` output appears as pages arrive.
void writeOut(const QByteArray &bytes);
void writeOutLine(const QString &line);
void writeErr(const QByteArray &bytes); //!< as is: progress lines that rewrite themselves ("\r")
void writeErrLine(const QString &line);
bool stderrIsTerminal();

} // namespace Berth::Cli
