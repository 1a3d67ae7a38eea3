/** The package version, written into each feed's generator element. A test keeps it equal to package.json. */
export const VERSION = "0.1.0";
