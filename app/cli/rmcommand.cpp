#include "app/cli/rmcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/session/registrysession.h"
#include "models/tags/tagoperations.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

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
    const QCommandLineOption image(
            {u"image"_s, u"delete-image"_s},
            tr("Delete the image (the manifest, by digest): every tag of it goes; they are "
               "listed first."));
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
    openSession(options, m_reference, [this, byImage] { start(byImage); });
}

void RmCommand::start(bool byImage)
{
    if (byImage && m_reference.hasDigest()) {
        m_digest = m_reference.digest();
        return findSiblings();
    }
    session()
            ->operations()
            ->resolveDigests(m_reference.repository(), {m_reference.tag()})
            ->onFinished(this, [this, byImage](const Result<QHash<QString, QString>> &resolved) {
                if (!resolved)
                    return fail(resolved.error().toString());
                m_digest = resolved->value(m_reference.tag());
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
        // True on every backend: a tag is removed alone (UntagJob, or Harbor 2.x's tag API).
        writeErrLine(u"berth rm: would remove tag %1 (digest %2); the image and its other tags "
                     "stay. Nothing was deleted: add --yes to do it."_s.arg(name, m_digest));
        return Q_EMIT finished(ExitError);
    }
    session()
            ->operations()
            ->deleteTag(m_reference.repository(), m_reference.tag(), m_digest)
            ->onFinished(this, [this, name](const Result<void> &done) {
                if (!done)
                    return fail(done.error().toString());
                writeOutLine(name);
                Q_EMIT finished(ExitOk);
            });
}

void RmCommand::findSiblings()
{
    session()
            ->operations()
            ->tagsOfDigest(m_reference.repository(), m_digest)
            ->onFinished(this, [this](const Result<QStringList> &tags) {
                // The message says which step failed and keeps its cause's code name.
                if (!tags)
                    return fail(tags.error().message);
                m_siblings = *tags;
                onSiblingsFound();
            });
}

void RmCommand::onSiblingsFound()
{
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
    session()
            ->operations()
            ->deleteImage(m_reference.repository(), m_digest)
            ->onFinished(this, [this, repository](const Result<void> &done) {
                if (!done)
                    return fail(done.error().toString());
                for (const QString &tag : std::as_const(m_siblings))
                    writeOutLine(repository + u':' + tag);
                writeOutLine(repository + u'@' + m_digest);
                Q_EMIT finished(ExitOk);
            });
}

void RmCommand::fail(const QString &message)
{
    writeErrLine(u"berth rm: %1: %2"_s.arg(m_reference.toString(), message));
    Q_EMIT finished(ExitError);
}

} // namespace Berth::Cli
