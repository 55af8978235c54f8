#include "app/cli/imagefilescommand.h"

#include "app/cli/output.h"

#include "models/files/layerlistingcache.h"
#include "models/session/registrysession.h"

#include "net/core/imagereference.h"

using namespace Qt::StringLiterals;

namespace Berth::Cli {

ImageFilesCommand::ImageFilesCommand(QObject *parent)
    : Command(parent)
    , m_cache(std::make_unique<LayerListingCache>())
{}

ImageFilesCommand::~ImageFilesCommand() = default;

QCommandLineOption ImageFilesCommand::platformOption()
{
    return QCommandLineOption(u"platform"_s,
                              tr("The platform of an index: OS/ARCH[/VARIANT] (linux/arm64/v8)."),
                              u"os/arch"_s);
}

QString ImageFilesCommand::imageHelp()
{
    return tr("host[:port]/path[:tag][@digest]; the tag defaults to latest");
}

Result<QString> ImageFilesCommand::checkPlatform(const QString &platform)
{
    if (platform.isEmpty())
        return platform;
    const QStringList parts = platform.split(u'/');
    const bool wellFormed = parts.size() >= 2 && parts.size() <= 3
                            && std::all_of(parts.cbegin(), parts.cend(),
                                           [](const QString &part) { return !part.isEmpty(); });
    if (!wellFormed) {
        return Error(
                ErrorCode::InvalidInput,
                u"--platform takes OS/ARCH[/VARIANT] (linux/arm64/v8), not \"%1\""_s.arg(platform));
    }
    return platform;
}

Result<ImageReference> ImageFilesCommand::imageArgument(const QString &text)
{
    auto parsed = ImageReference::parse(text);
    if (!parsed)
        return parsed.error();
    if (!parsed->hasTag() && !parsed->hasDigest())
        return parsed->withTag(u"latest"_s);
    return *parsed;
}

void ImageFilesCommand::loadImage(RegistrySession *session, const ImageReference &reference,
                                  const QString &platform, ImageFilesJob::Depth depth,
                                  std::function<void(const ImageFiles &)> next)
{
    // With --no-cache neither disk cache is read or written: metadata and listings come from
    // the registry.
    auto *job = new ImageFilesJob(session->metadata(), usesDiskCache() ? m_cache.get() : nullptr,
                                  reference.repository(), reference.reference(), platform, depth,
                                  Priority::Interactive, this);
    job->onFinished(this, [this, job, reference, platform, next](const Result<ImageFiles> &files) {
        if (files)
            return next(*files);
        const bool platformError = !job->platforms().isEmpty()
                                   && (files.error().code == ErrorCode::InvalidInput
                                       || files.error().code == ErrorCode::NotFound);
        if (platformError) {
            writeErrLine(u"berth %1: %2 is an index of %3: choose one with --platform"_s.arg(
                    name(), reference.toString(), job->platforms().join(u", "_s)));
            if (!platform.isEmpty())
                writeErrLine(u"berth %1: it has no platform %2"_s.arg(name(), platform));
            return Q_EMIT finished(ExitUsage);
        }
        writeErrLine(
                u"berth %1: %2: %3"_s.arg(name(), reference.toString(), files.error().toString()));
        Q_EMIT finished(ExitError);
    });
}

} // namespace Berth::Cli
