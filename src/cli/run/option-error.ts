/** A client-side problem with run/create options (docker reports it as "docker: <msg>"). */
export class OptionError extends Error {}
