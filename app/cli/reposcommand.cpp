#include "app/cli/reposcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/session/registrysession.h"

#include "net/backend/registrybackend.h"
#include "net/core/imagereference.h"
#include "net/core/servertext.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

// Same reasoning as TagsCommand: few writes for a big catalog, first names at once.
static constexpr int ReposPageSize = 1000;

QString ReposCommand::name() const
{
    return u"repos"_s;
}

QString ReposCommand::summary() const
{
    return tr("List a registry's repositories (optionally those starting with PREFIX).");
}

void ReposCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(),
                          summary() + tr("\n\nExit codes: 0 success, 1 error, 2 usage error."));
    args.parser().addPositionalArgument(u"registry"_s,
                                        tr("host[:port][/PREFIX], e.g. 127.0.0.1:5000/team-a"));
    const QCommandLineOption json(u"json"_s, tr("Print a JSON array of strings."));
    args.parser().addOption(json);
    if (const auto exit = args.parse(arguments, 1, u"one REGISTRY[/PREFIX]"_s))
        return Q_EMIT finished(*exit);
    const QString text = args.positionalArguments().constFirst();
    const qsizetype slash = text.indexOf(u'/');
    m_registry = slash < 0 ? text : text.left(slash);
    const QString prefix = slash < 0 ? QString() : text.mid(slash + 1);
    // The registry part is checked as the host of a reference; the prefix is a plain string
    // prefix of repository paths ("team-a" also matches "team-ab/x", "team-a/" does not).
    const auto probe = ImageReference::parse(m_registry + u"/berth"_s);
    if (m_registry.isEmpty() || !probe || probe->registry().isEmpty()
        || (!m_registry.contains(u'.') && !m_registry.contains(u':') && m_registry != u"localhost"))
        return Q_EMIT finished(
                args.usageError(u"\"%1\" is not a registry host (host[:port])"_s.arg(m_registry)));
    m_json = args.isSet(json);

    const RegistryOptions &options = args.registryOptions();
    openSession(options, *probe, [this, prefix] { list(prefix); });
}

void ReposCommand::list(const QString &prefix)
{
    m_pager = session()->backend()->createRepositoryPager(prefix, this);
    m_pager->setPageSize(ReposPageSize);
    connect(m_pager, &Pager::pageReady, this, &ReposCommand::onPage);
    connect(m_pager, &Pager::failed, this, [this](const Error &error) {
        writeErrLine(u"berth repos: %1: %2"_s.arg(m_registry, error.toString()));
        Q_EMIT finished(ExitError);
    });
    m_pager->fetchNext();
}

void ReposCommand::onPage(const QStringList &names)
{
    QByteArray out;
    for (const QString &name : names) {
        if (m_json) {
            out += m_printed == 0 ? "[\n  " : ",\n  ";
            out += QJsonDocument(QJsonArray{name})
                           .toJson(QJsonDocument::Compact)
                           .sliced(1)
                           .chopped(1);
        } else {
            // Server data: one line per name whatever it holds (\r, \n, ESC made visible).
            out += ServerText::visible(name).toUtf8() + '\n';
        }
        if (!ImageReference::isValidRepositoryPath(name))
            m_invalidNames.append(name);
        ++m_printed;
    }
    writeOut(out);
    if (m_pager->hasMore()) {
        m_pager->fetchNext();
        return;
    }
    if (m_json)
        writeOut(m_printed == 0 ? "[]\n" : "\n]\n");
    if (!m_invalidNames.isEmpty()) {
        // Listed as the server sent them, and flagged: every action on them is refused.
        writeErrLine(u"berth repos: %1 name(s) the server listed are not valid repository names; "
                     "berth refuses to act on them: %2"_s.arg(m_invalidNames.size())
                             .arg(m_invalidNames.join(u", "_s)));
    }
    Q_EMIT finished(ExitOk);
}

} // namespace Berth::Cli
