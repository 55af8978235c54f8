#pragma once

#include "app/cli/command.h"

#include "models/files/imagefilesjob.h"

#include <QCommandLineOption>

#include <functional>

namespace Berth {
class ImageReference;
class LayerListingCache;
class RegistrySession;
} // namespace Berth

namespace Berth::Cli {

//! What `berth ls`, `cat` and `diff` share: reading an image's metadata or files (layer
//! listings cached on disk, as the window does), --platform, and the errors that end them (an
//! index without --platform is a usage error naming its platforms).
class ImageFilesCommand : public Command
{
    Q_OBJECT
public:
    explicit ImageFilesCommand(QObject *parent = nullptr);
    ~ImageFilesCommand() override;

protected:
    //! Reads reference's image (platform: "" or "os/arch[/variant]") through session; on
    //! failure prints the error and finishes (ExitUsage for a missing or unknown platform,
    //! ExitError otherwise); on success calls next.
    void loadImage(RegistrySession *session, const ImageReference &reference,
                   const QString &platform, ImageFilesJob::Depth depth,
                   std::function<void(const ImageFiles &)> next);
    //! --platform OS/ARCH[/VARIANT], the same for ls, cat and diff.
    static QCommandLineOption platformOption();
    //! The help of an IMAGE argument.
    static QString imageHelp();
    //! "os/arch[/variant]", or an error message.
    static Result<QString> checkPlatform(const QString &platform);
    //! The tag defaults to latest.
    static Result<ImageReference> imageArgument(const QString &text);

    LayerListingCache *layerCache() const { return m_cache.get(); }

private:
    std::unique_ptr<LayerListingCache> m_cache;
};

} // namespace Berth::Cli
