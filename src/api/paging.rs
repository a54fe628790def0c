//! Following `next` cursors through every page of a list endpoint.

use std::collections::HashSet;
use std::future::Future;

use futures::{stream, Stream, TryStreamExt};

use super::error::ApiError;
use super::models::Page;

/// The most pages one listing follows before it stops with an error (at the API's page sizes, far more
/// interconnects than any account has).
pub const MAX_PAGES: usize = 10_000;

/// Turns a page fetcher into a stream of items across every page. The first page is fetched without a
/// cursor; each page's `next` is the cursor of the following one; listing stops when `next` is absent,
/// null or 0 (the API documentation's own last page says `"next": 0`, and 0 can never continue a list).
/// A cursor that comes back a second time, or more than [`MAX_PAGES`] pages, end the stream with
/// [`ApiError::Pagination`] instead of looping forever.
pub fn paginate<T, F, Fut>(operation: &'static str, mut fetch: F) -> impl Stream<Item = Result<T, ApiError>>
where
    F: FnMut(Option<i64>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    stream::try_unfold(PageCursor::default(), move |mut cursor| {
        let page = cursor.pending().map(&mut fetch);
        async move {
            let Some(page) = page else { return Ok(None) };
            let page = page.await?;
            cursor.advance(page.next).map_err(|fault| fault.of(operation))?;
            Ok(Some((stream::iter(page.items.into_iter().map(Ok)), cursor)))
        }
    })
    .try_flatten()
}

/// Where a listing stands: the cursor of its next page, every cursor followed so far, and whether the
/// last page has come. Shared by [`paginate`] and the listings that reads share.
#[derive(Debug, Default)]
pub(super) struct PageCursor {
    next: Option<i64>,
    seen: HashSet<i64>,
    done: bool,
}

impl PageCursor {
    /// The cursor to fetch the next page with (`Some(None)` for the first page), or `None` once the
    /// last page has come.
    pub(super) fn pending(&self) -> Option<Option<i64>> {
        (!self.done).then_some(self.next)
    }

    /// Whether the last page has come.
    pub(super) fn is_done(&self) -> bool {
        self.done
    }

    /// Moves past a page whose `next` said `next`: absent, null and 0 end the listing; a cursor seen
    /// before, or one past [`MAX_PAGES`], is a [`CursorFault`].
    pub(super) fn advance(&mut self, next: Option<i64>) -> Result<(), CursorFault> {
        match next.filter(|next| *next != 0) {
            Some(next) if !self.seen.insert(next) => Err(CursorFault {
                cursor: next,
                reason: "returned the same page cursor a second time",
            }),
            Some(next) if self.seen.len() >= MAX_PAGES => Err(CursorFault {
                cursor: next,
                reason: "has more pages than a listing may follow",
            }),
            Some(next) => {
                self.next = Some(next);
                Ok(())
            }
            None => {
                self.done = true;
                Ok(())
            }
        }
    }
}

/// A cursor that cannot be followed.
#[derive(Debug)]
pub(super) struct CursorFault {
    cursor: i64,
    reason: &'static str,
}

impl CursorFault {
    /// The [`ApiError::Pagination`] of `operation`.
    pub(super) fn of(self, operation: &str) -> ApiError {
        ApiError::Pagination {
            operation: operation.to_owned(),
            cursor: self.cursor,
            reason: self.reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(
        script: Vec<(Vec<u32>, Option<i64>)>,
    ) -> impl FnMut(Option<i64>) -> std::future::Ready<Result<Page<u32>, ApiError>> {
        let mut calls = script.into_iter();
        move |_| {
            let (items, next) = calls.next().unwrap_or_default();
            std::future::ready(Ok(Page { items, next }))
        }
    }

    #[tokio::test]
    async fn follows_every_page_to_the_end() {
        let fetch = pages(vec![
            (vec![1, 2], Some(2)),
            (vec![3, 4], Some(4)),
            (vec![5], None),
        ]);
        let items: Vec<u32> = paginate("list", fetch).try_collect().await.expect("ok");
        assert_eq!(items, vec![1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn passes_each_next_as_the_following_cursor() {
        let mut seen = Vec::new();
        let fetch = |cursor: Option<i64>| {
            seen.push(cursor);
            let next = match cursor {
                None => Some(10),
                Some(10) => Some(20),
                _ => None,
            };
            std::future::ready(Ok::<_, ApiError>(Page {
                items: vec![0u8],
                next,
            }))
        };
        let n = paginate("list", fetch)
            .try_collect::<Vec<_>>()
            .await
            .expect("ok")
            .len();
        assert_eq!(n, 3);
        assert_eq!(seen, vec![None, Some(10), Some(20)]);
    }

    #[tokio::test]
    async fn a_next_of_zero_ends_the_list() {
        let fetch = pages(vec![(vec![1, 2], Some(5)), (vec![3], Some(0)), (vec![9], None)]);
        let items: Vec<u32> = paginate("list", fetch).try_collect().await.expect("ok");
        assert_eq!(items, vec![1, 2, 3]);
    }

    #[tokio::test]
    async fn a_listing_that_never_ends_stops_after_max_pages() {
        let mut calls = 0usize;
        let fetch = |cursor: Option<i64>| {
            calls += 1;
            std::future::ready(Ok::<_, ApiError>(Page {
                items: vec![0u8],
                next: Some(cursor.unwrap_or(0) + 1),
            }))
        };
        let err = paginate("list", fetch)
            .try_collect::<Vec<_>>()
            .await
            .expect_err("bounded");
        assert!(matches!(err, ApiError::Pagination { .. }), "{err}");
        assert!(err.to_string().contains("more pages"), "{err}");
        assert_eq!(calls, MAX_PAGES);
    }

    #[tokio::test]
    async fn stops_on_a_cursor_that_does_not_advance() {
        let fetch = pages(vec![(vec![1], Some(7)), (vec![2], Some(7)), (vec![3], None)]);
        let err = paginate("list", fetch)
            .try_collect::<Vec<_>>()
            .await
            .expect_err("loop detected");
        assert!(matches!(err, ApiError::Pagination { cursor: 7, .. }), "{err}");
    }
}
