#pragma once

#include "app/cli/command.h"

#include <QPointer>

namespace Berth {
class Pager;
}

namespace Berth::Cli {

//! `berth repos REGISTRY[/PREFIX] [--json]`: repository paths, printed page by page.
class ReposCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReposCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void list(const QString &prefix);
    void onPage(const QStringList &names);

    QPointer<Pager> m_pager;
    QString m_registry;
    bool m_json = false;
    qint64 m_printed = 0;
    QStringList m_invalidNames; //!< listed by the server, not fitting the OCI grammar
};

} // namespace Berth::Cli
