#pragma once

#include "app/cli/command.h"

namespace Berth {
struct ImageMetadata;
class ImageReference;
} // namespace Berth

namespace Berth::Cli {

//! `berth inspect IMAGE [--json]`: digest, kind, size, created and platforms of one image.
class InspectCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InspectCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

    static QByteArray toJson(const ImageReference &reference, const ImageMetadata &metadata);
    static QString toText(const ImageReference &reference, const ImageMetadata &metadata);

private:
    void inspect(const ImageReference &reference, bool asJson);
};

} // namespace Berth::Cli
