/** Ambient declarations for the bundler: CSS imported for its side effect. */
declare module "*.css";
