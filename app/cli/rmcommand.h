#pragma once

#include "app/cli/command.h"

#include "net/core/imagereference.h"

#include <QPointer>
#include <QStringList>

namespace Berth {
class Pager;
}

namespace Berth::Cli {

class RegistrySession;

//! `berth rm IMAGE [--image] [--yes]`: removes a tag (the image and its other tags stay), or with
//! --image deletes the manifest by digest and with it every tag pointing at it. Without --yes it
//! only says what would go and exits 1.
class RmCommand final : public Command
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RmCommand)
public:
    using Command::Command;

    //! Tags resolved at once while looking for the tags of a digest: a HEAD each; 16 keeps the
    //! scheduler's 6 connections per host busy without queueing the whole repository at once.
    static constexpr int ResolveWindow = 16;

    QString name() const override;
    QString summary() const override;
    void run(const QStringList &arguments) override;

private:
    void start(bool byImage);
    void removeTag();
    void findSiblings();
    void onTagsPage(const QStringList &names);
    void resolveNext();
    void onSiblingsFound();
    void fail(const QString &message);

    RegistrySession *m_session = nullptr;
    ImageReference m_reference;
    bool m_yes = false;
    QString m_digest;
    QPointer<Pager> m_pager;
    QStringList m_allTags;
    qsizetype m_nextTag = 0;
    int m_inFlight = 0;
    bool m_failed = false;
    QStringList m_siblings;
};

} // namespace Berth::Cli
