#include "app/cli/retagcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"
#include "app/cli/registryoptions.h"
#include "models/session/registrysession.h"
#include "models/tags/tagoperations.h"

#include "net/core/imagereference.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString RetagCommand::name() const
{
    return u"retag"_s;
}

QString RetagCommand::summary() const
{
    return tr("Add a tag to an image, or copy it to another repository (same digest); print "
              "its digest.");
}

void RetagCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(),
                          summary() + tr("\n\nExit codes: 0 success, 1 error, 2 usage error."));
    args.parser().addPositionalArgument(
            u"image"_s, tr("host[:port]/path[:tag][@digest]; the tag defaults to latest"));
    args.parser().addPositionalArgument(
            u"new_tag"_s,
            tr("[REPOSITORY:]TAG: the tag to add; with REPOSITORY (a path on the same registry, "
               "e.g. team-b/api:1.0) the image is copied there (Harbor: its copy API)"));
    if (const auto exit = args.parse(arguments, 2, u"IMAGE and NEW_TAG"_s))
        return Q_EMIT finished(*exit);
    auto parsed = ImageReference::parse(args.positionalArguments().at(0));
    if (!parsed)
        return Q_EMIT finished(args.usageError(parsed.error().message));
    // A tag cannot hold ':' and a repository path cannot end in one, so the last ':' splits
    // "team-b/api:1.0" unambiguously.
    const QString target = args.positionalArguments().at(1);
    const qsizetype colon = target.lastIndexOf(u':');
    const QString targetRepository = colon < 0 ? QString() : target.left(colon);
    const QString newTag = colon < 0 ? target : target.mid(colon + 1);
    if (!ImageReference::isValidTag(newTag))
        return Q_EMIT finished(args.usageError(
                u"\"%1\" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})"_s.arg(newTag)));
    if (colon >= 0 && !ImageReference::isValidRepositoryPath(targetRepository))
        return Q_EMIT finished(args.usageError(
                u"\"%1\" is not a repository path (lowercase, e.g. team-b/api)"_s.arg(
                        targetRepository)));
    ImageReference reference = *parsed;
    if (!reference.hasTag() && !reference.hasDigest())
        reference = reference.withTag(u"latest"_s);

    const RegistryOptions &options = args.registryOptions();
    openSession(options, reference, [this, reference, targetRepository, newTag] {
        retag(reference, targetRepository, newTag);
    });
}

void RetagCommand::retag(const ImageReference &reference, const QString &targetRepository,
                         const QString &newTag)
{
    const QString target = targetRepository.isEmpty() ? newTag : targetRepository + u':' + newTag;
    session()
            ->operations()
            ->retag(reference.repository(), reference.reference(), targetRepository, newTag)
            ->onFinished(this, [this, reference, target](const Result<RetagResult> &result) {
                const Error error = result.ok() ? result->verification : result.error();
                if (error.isError()) {
                    // A tag that was added but does not point where it should is an error too.
                    writeErrLine(u"berth retag: %1 -> %2: %3"_s.arg(reference.toString(), target,
                                                                    error.toString()));
                    return Q_EMIT finished(ExitError);
                }
                writeOutLine(result->digest);
                Q_EMIT finished(ExitOk);
            });
}

} // namespace Berth::Cli
