#pragma once

#include "app/cli/imagefilescommand.h"

namespace Berth::Cli {

//! `berth ls IMAGE [PATH] [--platform OS/ARCH[/VARIANT]] [--layer N] [--json]`: the image's
//! merged filesystem under PATH, or one layer's own entries (whiteouts included).
class LsCommand final : public ImageFilesCommand
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LsCommand)
public:
    using ImageFilesCommand::ImageFilesCommand;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

    //! One row of the listing (merged: layer is the last writer; --layer: that layer).
    static QJsonObject entryJson(const LayerEntry &entry, int layer);
    static QString entryText(const LayerEntry &entry, int layer);

private:
    void list(const ImageReference &reference, const ImageFiles &files, const QString &path,
              int layer, bool asJson);
};

} // namespace Berth::Cli
