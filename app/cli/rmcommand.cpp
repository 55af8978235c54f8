#include "app/cli/rmcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "app/cli/registrysession.h"

#include "net/backend/registrybackend.h"

#include "models/tags/naturalcompare.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

// A repository listing handed out in pages of this many names (as in `berth tags`).
static constexpr int ListPageSize = 1000;

QString RmCommand::name() const
{
    return u"rm"_s;
}

QString RmCommand::summary() const
{
    return tr("Remove a tag, or with --image an image and all its tags (needs --yes).");
}

void RmCommand::run(const QStringList &arguments)
{
    CommandArguments args(
            name(), summary()
                            + tr("\n\nWithout --yes nothing is deleted: berth says what would go "
                                 "and exits 1.\nRemoved references are printed on standard "
                                 "output.\nExit codes: 0 success, 1 error or refused, 2 usage "
                                 "error."));
    args.parser().addPositionalArgument(u"image"_s, tr("host[:port]/path:tag, or with --image "
                                                       "also host[:port]/path@digest"));
    const QCommandLineOption image(u"image"_s,
                                   tr("Delete the manifest by digest: every tag of it goes."));
    const QCommandLineOption yes({u"y"_s, u"yes"_s}, tr("Really delete."));
    args.parser().addOptions({image, yes});
    if (const auto exit = args.parse(arguments, 1, u"one IMAGE"_s))
        return Q_EMIT finished(*exit);
    const auto parsed = ImageReference::parse(args.positionalArguments().constFirst());
    if (!parsed)
        return Q_EMIT finished(args.usageError(parsed.error().message));
    m_reference = *parsed;
    const bool byImage = args.isSet(image);
    if (!byImage && !m_reference.hasTag()) {
        return Q_EMIT finished(args.usageError(
                m_reference.hasDigest()
                        ? u"deleting by digest removes every tag of the image: add --image"_s
                        : u"give the tag to remove (IMAGE:TAG)"_s));
    }
    m_yes = args.isSet(yes);
    const RegistryOptions &options = args.registryOptions();
    m_session = openSession(options.endpointFor(m_reference), options.kind(),
                            [this, byImage] { start(byImage); });
}

void RmCommand::start(bool byImage)
{
    if (byImage && m_reference.hasDigest()) {
        m_digest = m_reference.digest();
        return findSiblings();
    }
    CallOptions options;
    options.priority = Priority::Interactive;
    m_session->backend()->resolveTag(m_reference.repository(), m_reference.tag(), options, this,
                                     [this, byImage](Result<TagDigest> resolved) {
                                         if (!resolved)
                                             return fail(resolved.error().toString());
                                         m_digest = resolved->digest;
                                         if (byImage)
                                             findSiblings();
                                         else
                                             removeTag();
                                     });
}

void RmCommand::removeTag()
{
    const QString name = m_reference.repositoryName() + u':' + m_reference.tag();
    if (!m_yes) {
        writeErrLine(u"berth rm: would remove tag %1 (digest %2); the image and its other tags "
                     "stay. Nothing was deleted: add --yes to do it."_s.arg(name, m_digest));
        return Q_EMIT finished(ExitError);
    }
    m_session->backend()->deleteTag(m_reference.repository(), m_reference.tag(), this,
                                    [this, name](Result<void> done) {
                                        if (!done)
                                            return fail(done.error().toString());
                                        writeOutLine(name);
                                        Q_EMIT finished(ExitOk);
                                    });
}

void RmCommand::findSiblings()
{
    m_pager = m_session->backend()->createTagPager(m_reference.repository(), this);
    m_pager->setPageSize(ListPageSize);
    connect(m_pager, &Pager::pageReady, this, &RmCommand::onTagsPage);
    connect(m_pager, &Pager::failed, this,
            [this](const Error &error) { fail(u"listing tags: "_s + error.toString()); });
    m_pager->fetchNext();
}

void RmCommand::onTagsPage(const QStringList &names)
{
    m_allTags += names;
    if (m_pager->hasMore()) {
        m_pager->fetchNext();
        return;
    }
    resolveNext();
}

void RmCommand::resolveNext()
{
    if (m_failed)
        return;
    while (m_inFlight < ResolveWindow && m_nextTag < m_allTags.size()) {
        const QString tag = m_allTags.at(m_nextTag++);
        ++m_inFlight;
        CallOptions options;
        options.priority = Priority::Interactive;
        m_session->backend()->resolveTag(
                m_reference.repository(), tag, options, this,
                [this, tag](Result<TagDigest> resolved) {
                    --m_inFlight;
                    if (m_failed)
                        return;
                    // A tag removed meanwhile is simply not a sibling any more.
                    if (!resolved && resolved.error().code != ErrorCode::NotFound) {
                        m_failed = true;
                        return fail(u"resolving %1: %2"_s.arg(tag, resolved.error().toString()));
                    }
                    if (resolved && resolved->digest == m_digest)
                        m_siblings.append(tag);
                    resolveNext();
                });
    }
    if (m_inFlight == 0 && m_nextTag >= m_allTags.size())
        onSiblingsFound();
}

void RmCommand::onSiblingsFound()
{
    std::sort(m_siblings.begin(), m_siblings.end(),
              [](const QString &a, const QString &b) { return naturalCompare(a, b) < 0; });
    const QString repository = m_reference.repositoryName();
    if (!m_yes) {
        QString message = u"berth rm: would delete image %1@%2"_s.arg(repository, m_digest);
        if (m_siblings.isEmpty()) {
            message += u" (no tag points at it)"_s;
        } else {
            message += u" and its %1 tag(s):"_s.arg(m_siblings.size());
            for (const QString &tag : std::as_const(m_siblings))
                message += u"\n  "_s + repository + u':' + tag;
        }
        message += u"\nNothing was deleted: add --yes to do it."_s;
        writeErrLine(message);
        return Q_EMIT finished(ExitError);
    }
    m_session->backend()->deleteImage(m_reference.repository(), m_digest, this,
                                      [this, repository](Result<void> done) {
                                          if (!done)
                                              return fail(done.error().toString());
                                          QString out;
                                          for (const QString &tag : std::as_const(m_siblings))
                                              out += repository + u':' + tag + u'\n';
                                          out += repository + u'@' + m_digest + u'\n';
                                          writeOut(out.toUtf8());
                                          Q_EMIT finished(ExitOk);
                                      });
}

void RmCommand::fail(const QString &message)
{
    writeErrLine(u"berth rm: %1: %2"_s.arg(m_reference.toString(), message));
    Q_EMIT finished(ExitError);
}

} // namespace Berth::Cli
