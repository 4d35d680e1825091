// On-box bash scripts are bundled as text (esbuild plugin in scripts/build.mjs, vite's ?raw in tests).
declare module '*.sh?raw' {
  const text: string;
  export default text;
}
