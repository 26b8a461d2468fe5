// kafkajs's request queue module (internal, CommonJS): its export is the RequestQueue class.
declare module 'kafkajs/src/network/requestQueue/index.js' {
  const RequestQueue: unknown;
  export default RequestQueue;
}
