#pragma once

#include "app/cli/command.h"

#include "models/cleanup/cleanupjournal.h"

namespace Berth::Cli {

//! `berth undo JOURNAL [--yes]`: puts back what a `berth cleanup --yes` (or the window's Clean
//! Up) removed, from its journal (models/cleanup/undojob.h). Without --yes it says what it would
//! restore and what can no longer be restored.
class UndoCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UndoCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void restore();

    QString m_path;
    Journal m_journal;
    bool m_yes = false;
};

} // namespace Berth::Cli
