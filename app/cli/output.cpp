#include "app/cli/output.h"

#include "net/core/servertext.h"

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

} // namespace Berth::Cli
