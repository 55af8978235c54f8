#pragma once

#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>

class QSystemTrayIcon;
class QTimer;

namespace Berth {

//! The fallback when no notification service is on the bus: a balloon from a tray icon
//! (QSystemTrayIcon::showMessage). The icon is shown only while a message is up (and a little
//! after, so it can still be clicked), then hidden again: watching runs in the background and
//! needs no permanent icon, and a desktop without a tray shows none anyway.
class TrayNotifier final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayNotifier)
public:
    explicit TrayNotifier(QObject *parent = nullptr);
    ~TrayNotifier() override;

    void showMessage(const QString &connectionId, const QString &repository, const QString &summary,
                     const QString &body);
    bool isIconVisible() const;
    //! The last message shown (tests, screenshots).
    QString lastSummary() const { return m_summary; }
    QString lastBody() const { return m_body; }

    //! The icon stays this long after the message (ms): time to click the balloon.
    static constexpr int VisibleMs = 30 * 1000;

Q_SIGNALS:
    void activated(const QString &connectionId, const QString &repository);
    //! A message was handed to the tray (whether a tray is there to show it).
    void messageShown(const QString &summary, const QString &body);

private:
    void ensureIcon();
    void onClicked();

    QPointer<QSystemTrayIcon> m_icon;
    QTimer *m_hide;
    QPair<QString, QString> m_target; //!< the repository of the message shown
    QString m_summary;
    QString m_body;
};

} // namespace Berth
