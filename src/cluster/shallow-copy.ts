/**
 * `{ ...obj }` for objects the controllers go on to extend. On Node 20's V8
 * an object made by a spread is slow to extend: adding a property to it
 * (a default, a uid, nodeName) cost ~20x more than on an Object.assign copy
 * and allocated ~1.7 KB of hidden-class data per object in the large-cluster
 * bench. Same own enumerable properties, same key order.
 */
export function shallowCopy<T extends object>(obj: T | undefined): T {
  if (obj === undefined || obj === null) return {} as T;
  // Object.assign would run the `__proto__` setter; the spread defines an own property (as the loader does).
  return Object.hasOwn(obj, "__proto__") ? { ...obj } : Object.assign({}, obj);
}
