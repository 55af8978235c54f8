#include "app/cli/output.h"

#include "net/core/servertext.h"

#include <QCommandLineParser>

#include <cstdio>
#include <unistd.h>

namespace Berth::Cli {

void writeOut(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeOutLine(const QString &line)
{
    writeOut(ServerText::visible(line).toUtf8() + '\n');
}

void writeErr(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void writeErrLine(const QString &line)
{
    writeErr(ServerText::visible(line).toUtf8() + '\n');
}

bool stderrIsTerminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

QString commandHelp(const QCommandLineParser &parser, const QString &command)
{
    const QString text = parser.helpText();
    const qsizetype end = text.indexOf(u'\n');
    const QString first = text.left(end);
    // Qt writes "Usage: <argv[0]> [options] <positional syntax>": the program by its path and
    // the arguments as they were declared. Every command has options (--help at least).
    const qsizetype options = first.indexOf(u" [options]");
    const QString arguments = options >= 0 ? first.mid(options + 10) : QString();
    return QStringLiteral("Usage: berth ") + command + QStringLiteral(" [options]")
           + arguments.toUpper() + text.mid(end);
}

} // namespace Berth::Cli
