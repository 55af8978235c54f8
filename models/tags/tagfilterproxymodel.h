#pragma once

#include <QRegularExpression>
#include <QSortFilterProxyModel>

class QTimer;

namespace Berth {

class DigestGroupModel;
class TagTableModel;

//! Filters tags by substring, glob or regular expression (debounced as a person types) and
//! sorts them: tags in natural order ("1.10" after "1.9"), metadata columns by their raw values
//! with unknown values last. Sorting by a metadata column asks the tag model to load every row's
//! metadata; arrivals are re-sorted in batches, not one by one. On a backend that sorts and
//! filters itself (Harbor 2.x, TagTableModel::supportsServerSort()) the Pushed column and a
//! substring filter go to the server instead (TagTableModel::setTagQuery()): one page, not a
//! crawl of every tag; the plain-registry path is unchanged.
class TagFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TagFilterProxyModel)
public:
    enum class FilterSyntax { Substring, Glob, RegularExpression };
    Q_ENUM(FilterSyntax)

    explicit TagFilterProxyModel(QObject *parent = nullptr);

    //! Sorts and filters model's tags; with groups (a DigestGroupModel over model) its rows,
    //! one per image: the filter then matches any tag of a row or its digest, and sorting by
    //! tag orders rows by their first tag.
    void setTagModel(TagTableModel *model, DigestGroupModel *groups = nullptr);
    TagTableModel *tagModel() const { return m_tagModel; }
    DigestGroupModel *groupModel() const { return m_groupModel; }

    //! Applied after the debounce interval. An invalid regular expression filters nothing out
    //! and is reported by filterError().
    void setFilter(const QString &text, FilterSyntax syntax = FilterSyntax::Substring);
    QString filterText() const { return m_filterText; }
    QString filterError() const { return m_filterError; }
    //! Debounce for typing and for batched re-sorts; tests use 0.
    void setDebounceInterval(int ms);
    int debounceInterval() const;
    //! Takes other's filter at once, now and whenever other applies one (the grouped view
    //! follows the filter field of the flat one).
    void followFilterOf(const TagFilterProxyModel *other);

    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    //! Sorting by tag keeps the model's row order: rows already in tag order (a whole list sorted
    //! once), or a paging server's rows while pages arrive (see the definition).
    bool keepsListingOrder() const;

Q_SIGNALS:
    void filterApplied(const QString &error);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void applyFilter();
    void scheduleResort();
    void resortNow();
    bool sortsByMetadata() const;
    //! A substring filter on a backend that filters itself (TagQuery::filterText).
    bool filtersOnServer() const;

    TagTableModel *m_tagModel = nullptr;
    DigestGroupModel *m_groupModel = nullptr;
    QMetaObject::Connection m_following;
    QString m_filterText;
    FilterSyntax m_syntax = FilterSyntax::Substring;
    QString m_pendingText;
    FilterSyntax m_pendingSyntax = FilterSyntax::Substring;
    QRegularExpression m_expression;
    QString m_filterError;
    QTimer *m_filterTimer;
    QTimer *m_resortTimer;
    bool m_serverSorted = false; //!< rows are in the server's push-time order
    bool m_refilter = false;     //!< grouped rows changed under an active filter
};

} // namespace Berth
