#include "retagcommand.h"

#include "commandarguments.h"
#include "output.h"
#include "registryoptions.h"
#include "registrysession.h"

#include "imagereference.h"
#include "registrybackend.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString RetagCommand::name() const
{
    return u"retag"_s;
}

QString RetagCommand::summary() const
{
    return tr("Add a tag to an image (same digest) and print its digest.");
}

void RetagCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(),
                          summary() + tr("\n\nExit codes: 0 success, 1 error, 2 usage error."));
    args.parser().addPositionalArgument(
            u"image"_s, tr("host[:port]/path[:tag][@digest]; the tag defaults to latest"));
    args.parser().addPositionalArgument(u"new_tag"_s, tr("the tag to add in the same repository"));
    if (const auto exit = args.parse(arguments, 2, u"IMAGE and NEW_TAG"_s))
        return Q_EMIT finished(*exit);
    auto parsed = ImageReference::parse(args.positionalArguments().at(0));
    if (!parsed)
        return Q_EMIT finished(args.usageError(parsed.error().message));
    const QString newTag = args.positionalArguments().at(1);
    if (!ImageReference::isValidTag(newTag))
        return Q_EMIT finished(args.usageError(
                u"\"%1\" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})"_s.arg(newTag)));
    ImageReference reference = *parsed;
    if (!reference.hasTag() && !reference.hasDigest())
        reference = reference.withTag(u"latest"_s);

    const RegistryOptions &options = args.registryOptions();
    m_session = openSession(options.endpointFor(reference), options.kind(),
                            [this, reference, newTag] { retag(reference, newTag); });
}

void RetagCommand::retag(const ImageReference &reference, const QString &newTag)
{
    m_session->backend()->addTag(
            reference.repository(), reference.reference(), QString(), newTag, this,
            [this, reference, newTag](Result<QString> digest) {
                if (!digest) {
                    writeErrLine(u"berth retag: %1 -> %2: %3"_s.arg(reference.toString(), newTag,
                                                                    digest.error().toString()));
                    return Q_EMIT finished(ExitError);
                }
                writeOutLine(*digest);
                Q_EMIT finished(ExitOk);
            });
}

} // namespace Berth::Cli
