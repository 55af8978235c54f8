#include "app/cli/tagscommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/session/registrysession.h"

#include "net/backend/registrybackend.h"
#include "net/core/imagereference.h"
#include "net/core/servertext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

// The page size asked of the server (`n`) and the print chunk. A paging server answers each
// round trip with this many names: at 1,000 a 100,000-tag Harbor listing took 100 round trips
// and 1.7x skopeo's time (skopeo sends no `n`); at 10,000, 10 round trips and 0.77x. A page of
// 10,000 names is ~150 KB, so the first names still appear within one round trip.
static constexpr int TagsPageSize = 10000;

QString TagsCommand::name() const
{
    return u"tags"_s;
}

QString TagsCommand::summary() const
{
    return tr("List the tags of a repository as they arrive.");
}

void TagsCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(), summary());
    args.parser().addPositionalArgument(u"repository"_s,
                                        tr("host[:port]/path, e.g. 127.0.0.1:5000/team-a/api"));
    const QCommandLineOption json(u"json"_s, tr("Print a JSON array of strings."));
    const QCommandLineOption sort(u"sort"_s,
                                  tr("name (the registry's order, default) or pushed (newest "
                                     "first; Harbor 2.x sorts on the server)."),
                                  u"key"_s);
    const QCommandLineOption filter(u"filter"_s,
                                    tr("Only tags containing TEXT (Harbor 2.x filters on the "
                                       "server; elsewhere case-insensitive, here)."),
                                    u"text"_s);
    args.parser().addOptions({json, sort, filter});
    if (const auto exit = args.parse(arguments, 1, u"one REPOSITORY"_s))
        return finish(*exit);
    const QString sortKey = args.isSet(sort) ? args.value(sort) : u"name"_s;
    if (sortKey != u"name" && sortKey != u"pushed")
        return finish(args.usageError(u"unknown sort \"%1\" (name, pushed)"_s.arg(sortKey)));
    m_query.sortField
            = sortKey == u"pushed" ? TagQuery::SortField::PushTime : TagQuery::SortField::Name;
    m_query.descending = m_query.sortField == TagQuery::SortField::PushTime;
    m_query.filterText = args.value(filter);
    const auto reference = ImageReference::parse(args.positionalArguments().constFirst());
    if (!reference)
        return finish(args.usageError(reference.error().message));
    if (reference->hasTag() || reference->hasDigest())
        return finish(args.usageError(u"give a repository without a tag or digest"_s));
    m_json = args.isSet(json);

    const RegistryOptions &options = args.registryOptions();
    openSession(options, *reference, [this, ref = *reference] { list(ref); });
}

void TagsCommand::list(const ImageReference &reference)
{
    RegistryBackend *backend = session()->backend();
    if (backend->supportsServerSort()) {
        m_pager = backend->createTagPager(reference.repository(), m_query, this);
    } else if (m_query.sortField == TagQuery::SortField::PushTime) {
        // A plain registry keeps no push times; Harbor 1.x only per tag, one request each.
        writeErrLine(u"berth tags: %1: --sort pushed needs a registry that sorts by push time "
                     "(Harbor 2.x); this one is %2"_s.arg(reference.repositoryName(),
                                                          session()->info().product.isEmpty()
                                                                  ? backend->kindName()
                                                                  : session()->info().product));
        return finish(ExitError);
    } else {
        m_clientFilter = m_query.filterText;
        m_pager = backend->createTagPager(reference.repository(), this);
    }
    m_pager->setPageSize(TagsPageSize);
    connect(m_pager, &Pager::pageReady, this, &TagsCommand::onPage);
    connect(m_pager, &Pager::failed, this, [this, reference](const Error &error) {
        // A failed --json listing is left unterminated on purpose: a consumer that ignores the
        // exit code still cannot mistake a partial list for a complete one.
        writeErrLine(u"berth tags: %1: %2"_s.arg(reference.repositoryName(), error.toString()));
        finish(ExitError);
    });
    m_pager->fetchNext();
}

void TagsCommand::onPage(const QStringList &names)
{
    QByteArray out;
    for (const QString &name : names) {
        if (!m_clientFilter.isEmpty() && !name.contains(m_clientFilter, Qt::CaseInsensitive))
            continue;
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
        if (!ImageReference::isValidTag(name))
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
        writeErrLine(u"berth tags: %1 name(s) the server listed are not valid tag names; "
                     "berth refuses to act on them: %2"_s.arg(m_invalidNames.size())
                             .arg(m_invalidNames.join(u", "_s)));
    }
    finish(ExitOk);
}

void TagsCommand::finish(int exitCode)
{
    Q_EMIT finished(exitCode);
}

} // namespace Berth::Cli
