#pragma once

#include "app/cli/registryoptions.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>

#include <optional>

namespace Berth::Cli {

//! The argument handling every registry command shares: --help, the registry options, the
//! number of positional arguments, and usage errors printed as "berth <command>: message"
//! with exit code 2. Commands add their own positional arguments and options to parser()
//! before parse().
class CommandArguments
{
public:
    //! command is the name in messages ("tags"); description heads --help.
    CommandArguments(const QString &command, const QString &description);

    QCommandLineParser &parser() { return m_parser; }
    const RegistryOptions &registryOptions() const { return m_registryOptions; }
    //! Offers --no-cache (before parse()): the command reads metadata through the disk cache.
    void offerCache() { m_registryOptions.offerCache(m_parser); }

    //! Parses arguments and reads the registry options (the password from stdin when asked
    //! for). Returns nullopt to go on, or the exit code to finish with: ExitOk after printing
    //! --help, ExitUsage after printing the error. Exactly positionalCount positional arguments
    //! are expected; expected names them in the error ("one REPOSITORY").
    std::optional<int> parse(const QStringList &arguments, qsizetype positionalCount,
                             const QString &expected);
    //! The same for minCount to maxCount positional arguments.
    std::optional<int> parse(const QStringList &arguments, qsizetype minCount, qsizetype maxCount,
                             const QString &expected);
    QStringList positionalArguments() const { return m_parser.positionalArguments(); }
    bool isSet(const QCommandLineOption &option) const { return m_parser.isSet(option); }
    QString value(const QCommandLineOption &option) const { return m_parser.value(option); }

    //! Prints "berth <command>: message" on standard error; returns ExitUsage.
    int usageError(const QString &message) const;

private:
    QString m_command;
    QCommandLineParser m_parser;
    RegistryOptions m_registryOptions;
};

} // namespace Berth::Cli
