#include "tagscommand.h"

#include "output.h"
#include "registryoptions.h"
#include "registrysession.h"

#include "imagereference.h"
#include "registrybackend.h"

#include <QCommandLineParser>
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
    QCommandLineParser parser;
    parser.setApplicationDescription(summary());
    parser.addHelpOption();
    parser.addPositionalArgument(u"repository"_s,
                                 tr("host[:port]/path, e.g. 127.0.0.1:5000/team-a/api"));
    const QCommandLineOption json(u"json"_s, tr("Print a JSON array of strings."));
    parser.addOption(json);
    RegistryOptions registryOptions;
    registryOptions.addTo(parser);

    if (!parser.parse(arguments)) {
        writeErrLine(u"berth tags: "_s + parser.errorText());
        return finish(ExitUsage);
    }
    if (parser.isSet(u"help"_s)) {
        writeOut(parser.helpText().toUtf8());
        return finish(ExitOk);
    }
    if (parser.positionalArguments().size() != 1) {
        writeErrLine(u"berth tags: expected one REPOSITORY (see berth tags --help)"_s);
        return finish(ExitUsage);
    }
    const auto reference = ImageReference::parse(parser.positionalArguments().constFirst());
    if (!reference) {
        writeErrLine(u"berth tags: "_s + reference.error().message);
        return finish(ExitUsage);
    }
    if (reference->hasTag() || reference->hasDigest()) {
        writeErrLine(u"berth tags: give a repository without a tag or digest"_s);
        return finish(ExitUsage);
    }
    if (const auto ok = registryOptions.read(parser); !ok) {
        writeErrLine(u"berth tags: "_s + ok.error().message);
        return finish(ExitUsage);
    }
    m_json = parser.isSet(json);

    m_session = new RegistrySession(registryOptions.endpointFor(*reference), registryOptions.kind(),
                                    this);
    m_pager = m_session->backend()->createTagPager(reference->repository(), this);
    m_pager->setPageSize(TagsPageSize);
    connect(m_pager, &Pager::pageReady, this, &TagsCommand::onPage);
    connect(m_pager, &Pager::failed, this, [this, ref = *reference](const Error &error) {
        // A failed --json listing is left unterminated on purpose: a consumer that ignores the
        // exit code still cannot mistake a partial list for a complete one.
        writeErrLine(u"berth tags: %1: %2"_s.arg(ref.repositoryName(), error.toString()));
        finish(ExitError);
    });
    m_pager->fetchNext();
}

void TagsCommand::onPage(const QStringList &names)
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
            out += name.toUtf8() + '\n';
        }
        ++m_printed;
    }
    writeOut(out);
    if (m_pager->hasMore()) {
        m_pager->fetchNext();
        return;
    }
    if (m_json)
        writeOut(m_printed == 0 ? "[]\n" : "\n]\n");
    finish(ExitOk);
}

void TagsCommand::finish(int exitCode)
{
    Q_EMIT finished(exitCode);
}

} // namespace Berth::Cli
