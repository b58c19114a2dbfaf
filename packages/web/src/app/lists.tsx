import { type QueryKey, type UseInfiniteQueryResult, useInfiniteQuery } from '@tanstack/react-query';
import type { QueryValue } from './api.ts';
import { useApi } from './api-context.tsx';
import { useI18n } from './i18n-context.tsx';
import type { Page } from './types.ts';
import { Button } from './ui.tsx';

/** Items per page requested from cursor-paginated endpoints. */
export const PAGE_SIZE = 25;

/** A cursor-paginated list, flattened: `items` holds every page loaded so far. */
export type CursorList<T> = UseInfiniteQueryResult<{ pages: Page<T>[] }, Error> & { items: T[] };

/** Loads `path` page by page (`?cursor=` from the previous page's `nextCursor`). */
export function useCursorList<T>(
  queryKey: QueryKey,
  path: string,
  params: Record<string, QueryValue> = {},
  options: { refetchInterval?: (items: T[]) => number | false; enabled?: boolean } = {},
): CursorList<T> {
  const api = useApi();
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => api.get<Page<T>>(path, { ...params, limit: PAGE_SIZE, cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval
      ? (q) => options.refetchInterval?.(q.state.data?.pages.flatMap((page) => page.items) ?? []) ?? false
      : undefined,
  });
  const items = query.data?.pages.flatMap((page) => page.items) ?? [];
  return { ...query, items } as CursorList<T>;
}

/** "Load more" under a paginated list; hidden when every page is loaded. */
export function LoadMore({ list, testId }: { list: CursorList<unknown>; testId?: string }) {
  const { t } = useI18n();
  if (!list.hasNextPage) return null;
  return (
    <div className="load-more">
      <Button
        variant="secondary"
        busy={list.isFetchingNextPage}
        onClick={() => void list.fetchNextPage()}
        data-testid={testId ?? 'load-more'}
      >
        {t('common.loadMore')}
      </Button>
    </div>
  );
}
