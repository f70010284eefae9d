// placeholder, replaced below
export class SpotinstPlugin {}
