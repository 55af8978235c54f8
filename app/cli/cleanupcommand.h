#pragma once

#include "app/cli/command.h"

#include "models/cleanup/cleanupplan.h"
#include "net/core/imagereference.h"

namespace Berth::Cli {

//! `berth cleanup REPOSITORY [--keep-last N] [--by created|pushed] [--keep REGEX]...
//! [--only REGEX] [--older-than DURATION] [--format table|json|csv] [--yes] [--journal FILE]`:
//! makes a retention plan from the server's current state and prints it; with --yes runs it
//! (models/cleanup/cleanuprun.h), journalled for `berth undo`.
class CleanupCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CleanupCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void takeStock();
    void printPlan(const CleanupPlan &plan);
    void runPlan(const CleanupPlan &plan);
    void fail(const QString &message);

    ImageReference m_reference;
    RetentionRules m_rules;
    QString m_format;
    QString m_journalPath;
    bool m_yes = false;
};

} // namespace Berth::Cli
