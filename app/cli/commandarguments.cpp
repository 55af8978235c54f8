#include "app/cli/commandarguments.h"

#include "app/cli/command.h"
#include "app/cli/output.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

CommandArguments::CommandArguments(const QString &command, const QString &description)
    : m_command(command)
{
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
    m_registryOptions.addTo(m_parser);
}

std::optional<int> CommandArguments::parse(const QStringList &arguments, qsizetype positionalCount,
                                           const QString &expected)
{
    return parse(arguments, positionalCount, positionalCount, expected);
}

std::optional<int> CommandArguments::parse(const QStringList &arguments, qsizetype minCount,
                                           qsizetype maxCount, const QString &expected)
{
    if (!m_parser.parse(arguments))
        return usageError(m_parser.errorText());
    if (m_parser.isSet(u"help"_s)) {
        writeOut(commandHelp(m_parser, m_command).toUtf8());
        return ExitOk;
    }
    if (const qsizetype count = m_parser.positionalArguments().size();
        count < minCount || count > maxCount)
        return usageError(u"expected %1 (see berth %2 --help)"_s.arg(expected, m_command));
    if (const auto ok = m_registryOptions.read(m_parser); !ok)
        return usageError(ok.error().message);
    return std::nullopt;
}

int CommandArguments::usageError(const QString &message) const
{
    writeErrLine(u"berth "_s + m_command + u": "_s + message);
    return ExitUsage;
}

} // namespace Berth::Cli
