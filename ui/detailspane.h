#pragma once

#include "net/core/error.h"
#include "net/core/job.h"
#include "net/formats/imagemetadata.h"
#include "net/formats/manifest.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QTextBrowser;
class QUrl;

namespace Berth {

class MetadataService;
class TagOperations;

//! Details of one tag (or digest), loaded only for it when it is shown: full reference, digest,
//! media type, kind, size, created, platforms (each with digest and size; for an index its
//! child manifests, attestations apart), layers, config, history, annotations and the raw
//! manifest. Generated HTML in a QTextBrowser: reads as a document, selectable and copyable.
//! Loading and errors show inline; a platform's digest is a link that opens that image.
class DetailsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailsPane)
public:
    enum class State { Empty, Loading, Loaded, Failed };
    Q_ENUM(State)

    explicit DetailsPane(QWidget *parent = nullptr);
    ~DetailsPane() override;

    //! Where tags come from; registryName is the host as shown in references.
    void setRepository(MetadataService *service, const QString &registryName,
                       const QString &repository);
    //! Where "every tag of this image" is asked (showImage()); null: not asked.
    void setTagOperations(TagOperations *operations);
    //! Loads and shows reference (a tag or a digest) at Interactive priority, cancelling what
    //! an earlier call still had in flight.
    void showReference(const QString &reference);
    //! An image of the grouped view: its details by digest and every tag of the repository
    //! that points at it, asked of the server as Delete Image asks it
    //! (TagOperations::tagsOfDigest(): also tags the table has not listed or resolved).
    //! "Looking up…" until it answers; an error shows in the pane; cancelled by the next
    //! show*() or clear(). loadedTags are shown meanwhile.
    void showImage(const QString &digest, const QStringList &loadedTags = {});
    void clear();
    //! Loads the current reference again.
    void reload();
    //! Offline: references are answered from the disk cache's last known state only (tag ->
    //! digest -> metadata), nothing is asked of the registry. Reloads what is shown.
    void setOffline(bool offline);
    bool isOffline() const { return m_offline; }

    State state() const { return m_state; }
    enum class ImageTagsState { None, LookingUp, Loaded, Failed };
    Q_ENUM(ImageTagsState)
    //! Of the image shown by showImage(); None otherwise.
    ImageTagsState imageTagsState() const { return m_imageTagsState; }
    //! Every tag of that image, as the server answered (natural order).
    QStringList imageTags() const { return m_imageTags; }
    QString reference() const { return m_reference; }
    //! The text as shown (tests, copy).
    QString plainText() const;
    QTextBrowser *browser() const { return m_browser; }
    const std::optional<ImageMetadata> &metadata() const { return m_metadata; }

Q_SIGNALS:
    void stateChanged(Berth::DetailsPane::State state);
    void imageTagsStateChanged(Berth::DetailsPane::ImageTagsState state);

private:
    void cancelRequests();
    void setState(State state);
    void render();
    void onAnchor(const QUrl &url);
    void showLastKnown(const QString &reference);
    void setImageTagsState(ImageTagsState state);
    //! The "Tags of this image" section (HTML), empty when no image is shown.
    QString imageTagsHtml() const;

    QPointer<MetadataService> m_service;
    QString m_registryName;
    QString m_repository;
    QString m_reference;
    QPointer<Job> m_metadataJob; //!< the reference's metadata, until it arrives
    QPointer<Job> m_manifestJob; //!< its raw manifest, until it arrives
    QPointer<TagOperations> m_operations;
    QPointer<Job> m_imageTagsJob; //!< every tag of the image shown, until it arrives
    QString m_imageDigest;        //!< the image shown by showImage(); empty otherwise
    QStringList m_loadedTags;     //!< its tags the table knew when it was shown
    QStringList m_imageTags;
    QString m_imageTagsError;
    ImageTagsState m_imageTagsState = ImageTagsState::None;
    State m_state = State::Empty;
    bool m_offline = false;
    std::optional<ImageMetadata> m_metadata;
    std::optional<FetchedManifest> m_manifest;
    Error m_error;
    QString m_manifestError;
    QLabel *m_title;
    QTextBrowser *m_browser;
};

} // namespace Berth
