#pragma once

#include <QFrame>

class QLabel;
class QPushButton;
class QToolButton;

namespace Berth {

//! A non-modal strip above the table: what went wrong (or what just happened) and, for errors
//! that can be retried, a Retry button. Replaces a stack of message boxes. Warning is a lasting
//! state rather than an event (offline: the last known state is shown).
class ErrorBanner final : public QFrame
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ErrorBanner)
public:
    enum class Kind { Error, Info, Warning };
    Q_ENUM(Kind)

    explicit ErrorBanner(QWidget *parent = nullptr);

    //! Shows message; Retry is offered when retryable (retryRequested() then follows a click).
    void showMessage(Kind kind, const QString &message, bool retryable = false);
    void showError(const QString &message, bool retryable = true)
    {
        showMessage(Kind::Error, message, retryable);
    }
    void showInfo(const QString &message) { showMessage(Kind::Info, message, false); }
    void dismiss();
    //! The retry button's label ("Retry", "Retry now").
    void setRetryText(const QString &text);
    //! Whether the close button shows (a lasting state is not dismissed).
    void setDismissible(bool dismissible);

    Kind kind() const { return m_kind; }
    QString message() const;
    bool isRetryable() const;
    QPushButton *retryButton() const { return m_retry; }

Q_SIGNALS:
    void retryRequested();
    void dismissed();

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateColours();

    Kind m_kind = Kind::Error;
    bool m_updatingColours = false;
    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_retry;
    QToolButton *m_close;
};

} // namespace Berth
