/** @type {import('@remix-run/dev').AppConfig} */
export default {
  serverModuleFormat: 'esm',
  postcss: true,
  tailwind: false,
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  watchPaths: ['machines/**/*', 'entities/**/*', 'telephony/**/*'],
};
