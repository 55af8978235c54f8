#pragma once

#include <QByteArray>
#include <QString>

class QCommandLineParser;

namespace Berth::Cli {

//! Machine output goes to stdout and nothing else does; messages go to stderr. Both are written
//! unbuffered-by-line so `berth tags` output appears as pages arrive. A line is one line: the
//! *Line functions make control characters in it visible (ServerText::visible), so text from a
//! server can neither steer the terminal nor fake a line.
void writeOut(const QByteArray &bytes);
void writeOutLine(const QString &line);
void writeErr(const QByteArray &bytes); //!< as is: progress lines that rewrite themselves ("\r")
void writeErrLine(const QString &line);
//! A command's --help: parser's text with the usage line as people type it ("Usage: berth tags
//! [options] REPOSITORY"), not Qt's ("Usage: /usr/bin/berth [options] repository").
QString commandHelp(const QCommandLineParser &parser, const QString &command);
bool stderrIsTerminal();

} // namespace Berth::Cli
