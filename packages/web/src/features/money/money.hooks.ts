import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { useSession } from '../../app/session.tsx';
import { moneyApi, moneyKeys } from './money.api.ts';

/** The signed-in member's wallet (disabled while logged out). */
export function useWallet() {
  const api = useApi();
  const { status } = useSession();
  return useQuery({
    queryKey: moneyKeys.wallet,
    queryFn: () => moneyApi.wallet(api),
    enabled: status === 'authenticated',
    staleTime: 15_000,
  });
}

/**
 * After a spend: sets the balance the server answered at once (so every balance on screen agrees) and
 * reloads the wallet history.
 */
export function useBalanceUpdate(): (balance?: number) => void {
  const queryClient = useQueryClient();
  return useCallback(
    (balance?: number) => {
      if (typeof balance === 'number') {
        queryClient.setQueryData(moneyKeys.wallet, (old: { balance: number } | undefined) =>
          old ? { ...old, balance } : old,
        );
      }
      void queryClient.invalidateQueries({ queryKey: moneyKeys.wallet });
    },
    [queryClient],
  );
}
