#include "ui/desktopnotifier.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QGuiApplication>
#include <QVariantMap>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// How long a notification stays up, in ms: long enough to read a few tag names; the daemon may
// keep it in its history longer.
constexpr int ExpireMs = 10 * 1000;

} // namespace

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_bus(bus)
{
    m_bus.connect(QString(Service), QString(Path), QString(Service), u"ActionInvoked"_s, this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(QString(Service), QString(Path), QString(Service), u"NotificationClosed"_s, this,
                  SLOT(onClosed(uint, uint)));
}

void DesktopNotifier::notify(const QString &connectionId, const QString &repository,
                             const QString &summary, const QString &body)
{
    // Replacing the repository's previous notification: one per repository, never a pile.
    uint replaces = 0;
    for (auto it = m_targets.cbegin(); it != m_targets.cend(); ++it) {
        if (it.value() == Target(connectionId, repository))
            replaces = it.key();
    }
    QDBusMessage call = QDBusMessage::createMethodCall(QString(Service), QString(Path),
                                                       QString(Service), u"Notify"_s);
    // "default" is the action of a click on the notification itself; servers without actions
    // ignore the list.
    const QStringList actions{u"default"_s, tr("Open"), u"open"_s, tr("Open Repository")};
    // The desktop entry's basename (set in main), so the server shows Berth's name and icon.
    const QString desktopEntry = QGuiApplication::desktopFileName().isEmpty()
                                         ? u"berth"_s
                                         : QGuiApplication::desktopFileName();
    const QVariantMap hints{{u"desktop-entry"_s, desktopEntry},
                            {u"category"_s, u"transfer.complete"_s}};
    call << u"Berth"_s << replaces << u"berth"_s << summary << body.toHtmlEscaped() << actions
         << hints << ExpireMs;
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, connectionId, repository, summary, body](QDBusPendingCallWatcher *self) {
                onReply(self, connectionId, repository, summary, body);
            });
}

void DesktopNotifier::onReply(QDBusPendingCallWatcher *watcher, const QString &connectionId,
                              const QString &repository, const QString &summary,
                              const QString &body)
{
    watcher->deleteLater();
    const QDBusPendingReply<uint> reply = *watcher;
    if (reply.isError()) {
        // ServiceUnknown (nobody serves notifications), NoReply, a disconnected bus: the
        // message still has to reach the person.
        Q_EMIT unavailable(connectionId, repository, summary, body);
        return;
    }
    const uint id = reply.value();
    m_targets.insert(id, Target(connectionId, repository));
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    Q_UNUSED(action) // both actions open the repository
    const auto it = m_targets.constFind(id);
    if (it == m_targets.cend())
        return; // another application's notification
    Q_EMIT activated(it->first, it->second);
}

void DesktopNotifier::onClosed(uint id, uint reason)
{
    Q_UNUSED(reason)
    m_targets.remove(id);
}

} // namespace Berth
