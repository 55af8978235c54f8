#pragma once

#include "app/cli/command.h"

namespace Berth {
struct CacheStatistics;
} // namespace Berth

namespace Berth::Cli {

//! `berth cache info [--json]` and `berth cache clear [REGISTRY]`: the disk caches berth and
//! the window share (image metadata in SQLite, layer listings in files) under the cache folder
//! ($XDG_CACHE_HOME/berth/berth). Works on the files alone, no registry is asked. A cache that
//! does not exist yet is reported empty and is not created.
class CacheCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CacheCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    int info(const QStringList &arguments);
    int clear(const QStringList &arguments);
    //! "berth cache: message" on standard error; returns ExitUsage.
    int usageError(const QString &message) const;
    QString helpText() const;
};

} // namespace Berth::Cli
