#pragma once

#include "app/cli/command.h"

namespace Berth {
class ImageReference;
}

namespace Berth::Cli {

//! `berth retag IMAGE NEW_TAG`: tags IMAGE's manifest as NEW_TAG in the same repository (the
//! digest stays the same) and prints the digest.
class RetagCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RetagCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void retag(const ImageReference &reference, const QString &targetRepository,
               const QString &newTag);
};

} // namespace Berth::Cli
