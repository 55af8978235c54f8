#pragma once

#include "command.h"

#include <QPointer>

namespace Berth {
class Pager;
}

namespace Berth::Cli {

class RegistrySession;

//! `berth tags REPOSITORY [--json]`: tag names, printed page by page as they arrive.
class TagsCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagsCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void onPage(const QStringList &names);
    void finish(int exitCode);

    RegistrySession *m_session = nullptr;
    QPointer<Pager> m_pager;
    bool m_json = false;
    qint64 m_printed = 0;
};

} // namespace Berth::Cli
