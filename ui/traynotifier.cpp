#include "ui/traynotifier.h"

#include <QApplication>
#include <QIcon>
#include <QStyle>
#include <QSystemTrayIcon>
#include <QTimer>

namespace Berth {

TrayNotifier::TrayNotifier(QObject *parent)
    : QObject(parent)
    , m_hide(new QTimer(this))
{
    m_hide->setSingleShot(true);
    m_hide->setInterval(VisibleMs);
    connect(m_hide, &QTimer::timeout, this, [this] {
        if (m_icon)
            m_icon->hide();
    });
}

TrayNotifier::~TrayNotifier() = default;

void TrayNotifier::ensureIcon()
{
    if (m_icon)
        return;
    QIcon icon = QApplication::windowIcon();
    if (icon.isNull())
        icon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxInformation);
    m_icon = new QSystemTrayIcon(icon, this);
    m_icon->setToolTip(tr("Berth: new tags in watched repositories"));
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, &TrayNotifier::onClicked);
    connect(m_icon, &QSystemTrayIcon::activated, this, &TrayNotifier::onClicked);
}

void TrayNotifier::showMessage(const QString &connectionId, const QString &repository,
                               const QString &summary, const QString &body)
{
    ensureIcon();
    m_target = {connectionId, repository};
    m_summary = summary;
    m_body = body;
    m_icon->show();
    m_icon->showMessage(summary, body, QSystemTrayIcon::Information, VisibleMs);
    m_hide->start();
    Q_EMIT messageShown(summary, body);
}

bool TrayNotifier::isIconVisible() const
{
    return m_icon && m_icon->isVisible();
}

void TrayNotifier::onClicked()
{
    m_hide->stop();
    if (m_icon)
        m_icon->hide();
    if (!m_target.second.isEmpty())
        Q_EMIT activated(m_target.first, m_target.second);
}

} // namespace Berth
