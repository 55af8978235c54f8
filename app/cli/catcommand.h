#pragma once

#include "app/cli/imagefilescommand.h"

namespace Berth::Cli {

//! `berth cat IMAGE PATH [--platform OS/ARCH[/VARIANT]]`: a regular file's bytes on standard
//! output (links followed), read with a Range near the file when its layer was listed before.
class CatCommand final : public ImageFilesCommand
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CatCommand)
public:
    using ImageFilesCommand::ImageFilesCommand;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void cat(const ImageReference &reference, const ImageFiles &files, const QString &path);
};

} // namespace Berth::Cli
