/** A hook that loads JSON from the API and re-loads when its key changes. */
import { useEffect, useState } from "preact/hooks";

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

export function useFetch<T>(key: string | undefined, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({
    data: undefined,
    error: undefined,
    loading: key !== undefined,
  });
  useEffect(() => {
    if (key === undefined) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ data: s.data, error: undefined, loading: true }));
    load().then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (err: unknown) =>
        live &&
        setState({
          data: undefined,
          error: err instanceof Error ? err.message : String(err),
          loading: false,
        }),
    );
    return () => {
      live = false;
    };
  }, [key]);
  return state;
}
