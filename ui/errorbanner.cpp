#include "ui/errorbanner.h"

#include "ui/icons.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QToolButton>

using namespace Qt::StringLiterals;

namespace Berth {

ErrorBanner::ErrorBanner(QWidget *parent)
    : QFrame(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_retry(new QPushButton(tr("&Retry"), this))
    , m_close(new QToolButton(this))
{
    setObjectName(u"errorBanner"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_retry->setIcon(Icons::themed(u"view-refresh"_s));
    m_close->setIcon(Icons::themed(u"process-stop"_s));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Dismiss"));
    m_close->setAccessibleName(tr("Dismiss message"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_retry);
    layout->addWidget(m_close);

    connect(m_retry, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT retryRequested();
    });
    connect(m_close, &QToolButton::clicked, this, &ErrorBanner::dismiss);
    hide();
}

void ErrorBanner::showMessage(Kind kind, const QString &message, bool retryable)
{
    m_kind = kind;
    m_text->setText(message);
    m_retry->setVisible(retryable);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    const QString icon = kind == Kind::Error     ? u"dialog-error"_s
                         : kind == Kind::Warning ? u"dialog-warning"_s
                                                 : u"dialog-information"_s;
    m_icon->setPixmap(Icons::themed(icon).pixmap(size, size));
    updateColours();
    show();
}

void ErrorBanner::dismiss()
{
    hide();
    Q_EMIT dismissed();
}

void ErrorBanner::setRetryText(const QString &text)
{
    m_retry->setText(text);
}

void ErrorBanner::setDismissible(bool dismissible)
{
    m_close->setVisible(dismissible);
}

QString ErrorBanner::message() const
{
    return isHidden() ? QString() : m_text->text();
}

bool ErrorBanner::isRetryable() const
{
    return !m_retry->isHidden();
}

void ErrorBanner::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    // Our own setPalette() sends a PaletteChange too: do not answer it with another one.
    if ((event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange)
        && !m_updatingColours)
        updateColours();
}

void ErrorBanner::updateColours()
{
    // A tint of the window colour, so the banner suits light and dark palettes alike.
    const QPalette base = parentWidget() ? parentWidget()->palette() : palette();
    const QColor window = base.color(QPalette::Window);
    const QColor accent = m_kind == Kind::Error     ? QColor(0xd0, 0x46, 0x3b)
                          : m_kind == Kind::Warning ? QColor(0xd8, 0x9a, 0x1e) // amber
                                                    : QColor(0x3b, 0x7d, 0xd8);
    const auto mix = [](const QColor &a, const QColor &b, qreal t) {
        return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t),
                                float(a.greenF() * (1 - t) + b.greenF() * t),
                                float(a.blueF() * (1 - t) + b.blueF() * t));
    };
    m_updatingColours = true;
    QPalette p = palette();
    // 18 % accent is visible on white and on near-black without hurting the text contrast.
    p.setColor(QPalette::Window, mix(window, accent, 0.18));
    p.setColor(QPalette::WindowText, base.color(QPalette::WindowText));
    setPalette(p);
    m_updatingColours = false;
}

} // namespace Berth
