#pragma once

#include "app/cli/imagefilescommand.h"

#include "net/core/imagereference.h"

#include <optional>

namespace Berth {
struct ImageComparison;
}

namespace Berth::Cli {

//! `berth diff IMAGE_A IMAGE_B [--platform ...] [--files] [--json]`: what changed from A to B:
//! config fields, layers, size, and with --files the paths added, removed and changed. The two
//! images may live on different registries.
class DiffCommand final : public ImageFilesCommand
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiffCommand)
public:
    using ImageFilesCommand::ImageFilesCommand;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

    static QString toText(const ImageComparison &comparison, const ImageFiles &a,
                          const ImageFiles &b);

private:
    void loadBoth(RegistrySession *sessionA, RegistrySession *sessionB);
    void compare(const ImageFiles &a, const ImageFiles &b);

    std::optional<ImageReference> m_a;
    std::optional<ImageReference> m_b;
    QString m_platform;
    bool m_files = false;
    bool m_json = false;
};

} // namespace Berth::Cli
