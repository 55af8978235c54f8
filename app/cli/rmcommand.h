#pragma once

#include "app/cli/command.h"

#include "net/core/imagereference.h"

#include <QStringList>

namespace Berth::Cli {

//! `berth rm IMAGE [--image] [--yes]`: removes a tag (the image and its other tags stay), or with
//! --image deletes the manifest by digest and with it every tag pointing at it. Without --yes it
//! only says what would go and exits 1.
class RmCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RmCommand)
public:
    using Command::Command;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void start(bool byImage);
    void removeTag();
    void findSiblings();
    void onSiblingsFound();
    void fail(const QString &message);

    ImageReference m_reference;
    bool m_yes = false;
    QString m_digest;
    QStringList m_siblings;
};

} // namespace Berth::Cli
