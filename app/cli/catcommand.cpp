#include "app/cli/catcommand.h"

#include "app/cli/commandarguments.h"
#include "app/cli/output.h"

#include "models/session/registrysession.h"

#include "net/core/imagereference.h"

#include <cstdio>

using namespace Qt::StringLiterals;

namespace Berth::Cli {

QString CatCommand::name() const
{
    return u"cat"_s;
}

QString CatCommand::summary() const
{
    return tr("Write a file of an image to standard output.");
}

void CatCommand::run(const QStringList &arguments)
{
    CommandArguments args(name(), summary());
    args.parser().addPositionalArgument(u"image"_s, imageHelp());
    args.parser().addPositionalArgument(u"path"_s, tr("The file, e.g. /etc/os-release."));
    const QCommandLineOption platform = platformOption();
    args.parser().addOption(platform);
    args.offerCache();
    if (const auto exit = args.parse(arguments, 2, u"IMAGE PATH"_s))
        return Q_EMIT finished(*exit);
    const Result<ImageReference> reference = imageArgument(args.positionalArguments().at(0));
    if (!reference)
        return Q_EMIT finished(args.usageError(reference.error().message));
    const Result<QString> chosen = checkPlatform(args.value(platform));
    if (!chosen)
        return Q_EMIT finished(args.usageError(chosen.error().message));
    // Not resolved here: "/lib/x" may go through a link ("/lib -> usr/lib"); a folder, "/"
    // included, is refused once the image is known (exit 1, like any other non-file).
    const QString path = ImageFilesystem::cleanPath(args.positionalArguments().at(1));
    const ImageReference image = *reference;
    openSession(args.registryOptions(), image, [=, this] {
        loadImage(session(), image, *chosen, ImageFilesJob::Depth::Files,
                  [=, this](const ImageFiles &files) { cat(image, files, path); });
    });
}

void CatCommand::cat(const ImageReference &reference, const ImageFiles &files, const QString &path)
{
    // The bytes go out from the reading thread as they come: a file of gigabytes never sits
    // in memory. Its SHA-256 is checked at the end; a mismatch exits 1 after the bytes.
    auto *read = readImageFile(
            session()->backend(), files, path, -1,
            [](QByteArrayView bytes) {
                return std::fwrite(bytes.data(), 1, size_t(bytes.size()), stdout)
                       == size_t(bytes.size());
            },
            Priority::Interactive, this);
    read->onFinished(this, [this, reference, path](const Result<LayerFileRead> &result) {
        std::fflush(stdout);
        if (!result) {
            writeErrLine(u"berth cat: %1: %2"_s.arg(reference.toString(), result.error().message));
            return Q_EMIT finished(ExitError);
        }
        Q_EMIT finished(ExitOk);
    });
}

} // namespace Berth::Cli
